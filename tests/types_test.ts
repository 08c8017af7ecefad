/**
 * Type-level tests: `deno check tests/` (part of `deno task ok`) must accept every line here,
 * including the `@ts-expect-error` ones, which fail the check if the error they expect vanishes.
 * The runtime assertions only make the file a real test on every runtime.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  type Channel,
  createPool,
  importTask,
  type Permissions,
  type Pool,
  type StreamCall,
  type Task,
  task,
} from "../mod.ts";

const add = task({ f: ([a, b]: [number, number]) => a + b });
// deno-lint-ignore require-await -- an async task with nothing to await, as users write them
const greet = task({ f: async (name: string) => `hello ${name}` });
const noArg = task({ f: () => 7 });
const optional = task({ f: (x?: number) => x ?? 0 });

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
function expectType<T extends true>(_: T): void {}

expectType<Equal<typeof add, Task<[number, number], number>>>(true);
expectType<Equal<typeof greet, Task<string, string>>>(true);

function typeOnly(pool: Pool<{ add: typeof add; greet: typeof greet; noArg: typeof noArg }>) {
  const sum: Promise<number> = pool.call.add([1, 2]);
  const text: Promise<string> = pool.call.greet("ada");
  const promised: Promise<number> = pool.call.add(Promise.resolve([1, 2] as [number, number]));
  const none: Promise<number> = pool.call.noArg();
  const everywhere: Promise<number[]> = pool.broadcast.add([1, 2]);
  // @ts-expect-error: a broadcast resolves with an array of results
  const one: Promise<number> = pool.broadcast.add([1, 2]);
  // @ts-expect-error: wrong argument type
  pool.call.add(["1", 2]);
  // @ts-expect-error: missing argument
  pool.call.greet();
  // @ts-expect-error: no such task
  pool.call.subtract([1, 2]);
  // @ts-expect-error: the result is a string, not a number
  const wrong: Promise<number> = pool.call.greet("x");
  return [sum, text, promised, none, wrong, everywhere, one];
}

type Imported = typeof import("./fixtures/imported_tasks.ts");
expectType<
  Equal<ReturnType<typeof importTask<Imported["shout"]>>, Task<string, string>>
>(true);
expectType<
  Equal<ReturnType<typeof importTask<Imported["double"]>>, Task<number, number>>
>(true);
expectType<Equal<ReturnType<typeof importTask<number, string>>, Task<number, string>>>(true);

function importTypes() {
  const shout = importTask<Imported["shout"]>({ href: "./fixtures/imported_tasks.ts", name: "s" });
  const pool = createPool()({ shout });
  const text: Promise<string> = pool.call.shout("x");
  // @ts-expect-error: shout takes a string
  pool.call.shout(1);
  // @ts-expect-error: name is required
  importTask({ href: "./x.ts" });
  return text;
}

function optionTypes() {
  createPool({ threads: 2, allowOversubscribe: true, balancer: "leastBusy" });
  // @ts-expect-error: not a balancer
  createPool({ balancer: "fastest" });
  // @ts-expect-error: a misspelled option
  createPool({ thread: 2 });
  // @ts-expect-error: threads is a number
  createPool({ threads: "2" });
  // @ts-expect-error: a misspelled nested option
  createPool({ worker: { spinMicrosecond: 5 } });
  const permissions: Permissions = { read: ["/data"], net: false, env: true };
  createPool({ permissions });
  // @ts-expect-error: a permission is a boolean or a list of strings
  createPool({ permissions: { read: "/data" } });
  // @ts-expect-error: not a permission
  createPool({ permissions: { hrtime: true } });
  createPool({
    threads: { min: 0, max: 4, idleTimeout: 100 },
    inliner: { position: "first", batchSize: 8, dispatchThreshold: 2 },
    recycle: { afterCalls: 100, memoryBytes: 1 << 28 },
  });
  // @ts-expect-error: not a position
  createPool({ inliner: { position: "middle" } });
  // @ts-expect-error: a misspelled field of threads
  createPool({ threads: { maximum: 4 } });
  // @ts-expect-error: a misspelled recycling limit
  createPool({ recycle: { afterCall: 4 } });
}

const lines = task({
  f: async function* (n: number) {
    yield `${n}`;
    return n > 0;
  },
});
const digits = task({
  f: function* (s: string) {
    yield* [...s].map(Number);
    return s.length;
  },
});
const total = task({
  f: async (input: AsyncIterable<number>) => {
    let t = 0;
    for await (const x of input) t += x;
    return t;
  },
});

function streamTypes(
  pool: Pool<{ lines: typeof lines; digits: typeof digits; total: typeof total }>,
) {
  const stream: StreamCall<string, boolean> = pool.call.lines(3);
  const sync: StreamCall<number, number> = pool.call.digits("123");
  const sum: Promise<number> = pool.call.total(new ReadableStream<number>());
  const fromIterable: Promise<number> = pool.call.total((async function* () {
    yield 1;
  })());
  const channel: Channel<unknown, string, boolean> = pool.open.lines(1, {
    highWaterMark: { items: 4, bytes: 1024 },
    onProgress: (v: unknown) => void v,
  });
  // @ts-expect-error: a generator call yields strings, not numbers
  const wrongItems: StreamCall<number, boolean> = pool.call.lines(3);
  // @ts-expect-error: a generator call is not a Promise of its items
  const notPromise: Promise<string> = pool.call.lines(3);
  // @ts-expect-error: a stream of strings for a task that reads numbers
  pool.call.total(new ReadableStream<string>());
  // @ts-expect-error: highWaterMark takes items and bytes
  pool.call.lines(1, { highWaterMark: { item: 3 } });
  return [stream, sync, sum, fromIterable, channel, wrongItems, notPromise];
}

describe("task types", () => {
  it("infers argument and result types from f", () => {
    const single = optional.createPool;
    assert.equal(typeof single, "function");
    assert.equal(typeof typeOnly, "function");
    assert.equal(typeof optionTypes, "function");
    assert.equal(typeof streamTypes, "function");
    assert.equal(typeof importTypes, "function");
    assert.equal(typeof createPool, "function");
  });
});
