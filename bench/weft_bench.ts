/**
 * `Deno.bench` groups for the tiny-call workloads: batches of 1, 25 and 50 calls of `x + 1` and
 * `"hello" -> "hello world"`, weft against the raw postMessage worker (the baseline). Run with:
 *
 * ```sh
 * npx -y deno@2.9.6 bench -A bench/
 * ```
 *
 * @module
 */

import { startPostMessage } from "./systems/post_message.ts";
import type { Client, Op } from "./systems/types.ts";
import { startWeft } from "./systems/weft.ts";

const weft = await startWeft(1);
const postMessage = await startPostMessage(1);
const CASES: { op: Op; arg: unknown }[] = [{ op: "inc", arg: 1 }, {
  op: "hello",
  arg: "hello",
}];

function batch(
  client: Client,
  op: Op,
  arg: unknown,
  size: number,
): Promise<unknown[]> {
  return Promise.all(Array.from({ length: size }, () => client.call(op, arg)));
}

for (const { op, arg } of CASES) {
  for (const size of [1, 25, 50]) {
    const group = `${op} ×${size}`;
    Deno.bench({
      name: `postMessage ${group}`,
      group,
      baseline: true,
      fn: async () => void await batch(postMessage, op, arg, size),
    });
    Deno.bench({
      name: `weft ${group}`,
      group,
      fn: async () => void await batch(weft, op, arg, size),
    });
  }
}

// Deno.bench has no after-all hook: this benchmark, in the last group (ungrouped ones run
// first), closes both systems.
Deno.bench({
  name: "shutdown (not a measurement)",
  group: "shutdown",
  n: 1,
  warmup: 0,
  fn: async () => {
    await weft.close();
    await postMessage.close();
  },
});
