/**
 * Schema validation with `zod`: batches of incoming orders, as JSON text the way a request body
 * arrives, parsed and checked against a schema, on the main thread and on a weft pool. Each call
 * validates one batch and returns what failed and where. (Sending the text rather than parsed
 * objects leaves the parsing to the worker too, and text is the cheapest value to send.)
 *
 * Run: `deno task example schema [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { z } from "zod";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

const Order = z.object({
  id: z.string().uuid(),
  email: z.string().email(),
  placed: z.string().datetime(),
  customer: z.object({ name: z.string().min(1).max(80), country: z.string().length(2) }),
  lines: z.array(
    z.object({
      sku: z.string().regex(/^[A-Z]{3}-\d{4}$/),
      quantity: z.number().int().positive().max(100),
      price: z.number().nonnegative().multipleOf(0.01),
    }),
  ).min(1).max(20),
  coupon: z.string().optional(),
});

/** How a batch fared: the count of valid orders and, for each invalid one, its index and issues. */
export interface Verdict {
  valid: number;
  invalid: { index: number; issues: string[] }[];
}

/** Parses one batch of orders as it arrived (JSON text) and validates each order. */
export function validate(body: string): Verdict {
  const batch = JSON.parse(body) as unknown[];
  const verdict: Verdict = { valid: 0, invalid: [] };
  batch.forEach((order, index) => {
    const parsed = Order.safeParse(order);
    if (parsed.success) verdict.valid++;
    else {
      const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`);
      verdict.invalid.push({ index, issues });
    }
  });
  return verdict;
}

export const validateTask = task({ f: validate });

function orderOf(random: () => number): unknown {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("");
  const order = {
    id: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
    email: `user${Math.floor(random() * 1e6)}@example.com`,
    placed: new Date(1.7e12 + Math.floor(random() * 1e10)).toISOString(),
    customer: { name: `Customer ${hex(6)}`, country: random() < 0.97 ? "DE" : "DEU" },
    lines: Array.from({ length: 1 + Math.floor(random() * 6) }, () => ({
      sku: `ABC-${1000 + Math.floor(random() * 9000)}`,
      quantity: 1 + Math.floor(random() * (random() < 0.98 ? 10 : 200)),
      price: Math.round(random() * 10000) / 100,
    })),
  };
  return order;
}

if (isMain) {
  const { quick, threads } = exampleOptions();
  const random = seeded(7);
  const batches = Array.from(
    { length: quick ? 24 : 400 },
    () => JSON.stringify(Array.from({ length: 200 }, () => orderOf(random))),
  );
  const pool = createPool({ threads })({ validateTask });
  const result = await compare({
    name: "zod validation, 200 orders a batch",
    unit: "batches",
    items: batches,
    inline: validate,
    weft: (batch) => pool.call.validateTask(batch),
  });
  await pool.close();
  const invalid = result.results.reduce((n, v) => n + v.invalid.length, 0);
  console.log(`  ${invalid} of ${batches.length * 200} orders invalid`);
  report("schema", [result], { threads });
}
