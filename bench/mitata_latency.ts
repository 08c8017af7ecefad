/**
 * mitata benchmarks of the tiny-call workloads on Node and Bun: batches of 1, 25 and 50 calls of
 * `x + 1` and `"hello" -> "hello world"`, weft against the raw postMessage worker (the baseline)
 * and, where they run, piscina and tinypool. Run with:
 *
 * ```sh
 * npx -y node@24 bench/mitata_latency.ts
 * npx -y bun@1.4.5 bench/mitata_latency.ts
 * ```
 *
 * (It also runs on Deno, without tinypool: `npx -y deno@2.9.6 run -A bench/mitata_latency.ts`.)
 *
 * @module
 */

import { bench, group, run, summary } from "mitata";
import process from "node:process";
import { RUNTIME } from "./lib/runtime_info.ts";
import { SYSTEMS } from "./systems/catalog.ts";
import type { Client, Op } from "./systems/types.ts";

const NAMES = ["postMessage", "weft", "piscina", "tinypool"];
const clients: [string, Client][] = [];
for (const system of SYSTEMS.filter((s) => NAMES.includes(s.name))) {
  if (system.skip[RUNTIME] !== undefined) continue;
  clients.push([system.name, await (await system.load())(1)]);
}
const CASES: { op: Op; arg: unknown }[] = [{ op: "inc", arg: 1 }, {
  op: "hello",
  arg: "hello",
}];

for (const { op, arg } of CASES) {
  for (const size of [1, 25, 50]) {
    group(`${op} ×${size}`, () => {
      summary(() => {
        for (const [name, client] of clients) {
          const b = bench(
            name,
            () =>
              Promise.all(
                Array.from({ length: size }, () => client.call(op, arg)),
              ),
          );
          if (name === "postMessage") b.baseline(true);
        }
      });
    });
  }
}

await run();
for (const [, client] of clients) await client.close();
process.exit(0);
