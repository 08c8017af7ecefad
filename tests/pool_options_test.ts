import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { after, describe, it } from "node:test";
import { createPool, task } from "../mod.ts";
import { add, echo, greet } from "./fixtures/basic_tasks.ts";
import {
  depthOf,
  inertPoolReport,
  measure,
  nest,
  nested,
  type Nesting,
} from "./fixtures/options_tasks.ts";

/** The documented nesting limit of values (README, "Values"). */
const MAX_DEPTH = 1000;
const KINDS: Nesting[] = ["object", "array", "map", "set", "error", "sparse"];

/** Asserts that `f` throws `Class` with a message holding every one of `parts`. */
function throwsWith(f: () => unknown, Class: ErrorConstructor, ...parts: string[]): void {
  assert.throws(f, (err: Error) => {
    assert.ok(err instanceof Class, `${err.name}: ${err.message}`);
    for (const part of parts) assert.ok(err.message.includes(part), err.message);
    return true;
  });
}

describe("createPool options", () => {
  it("rejects a misspelled option with a TypeError naming the closest one", () => {
    throwsWith(
      () => createPool({ thread: 2 } as never),
      TypeError,
      "thread",
      "did you mean threads?",
    );
    throwsWith(
      () => createPool({ maxqueue: 5 } as never),
      TypeError,
      "maxqueue",
      "did you mean maxQueue?",
      "5 (a number)",
    );
  });

  it("rejects misspelled options at every nesting level", () => {
    throwsWith(
      () => createPool({ worker: { spinMicrosecond: 5 } } as never),
      TypeError,
      "did you mean worker.spinMicroseconds?",
    );
    throwsWith(
      () => createPool({ payload: { payloadMaxBytes: 5 } } as never),
      TypeError,
      "did you mean payload.payloadMaxByteLength?",
    );
    throwsWith(
      () => createPool({ resourceLimits: { stackSizeMB: 4 } } as never),
      TypeError,
      "did you mean resourceLimits.stackSizeMb?",
    );
  });

  it("lists the options when a name is close to none of them", () => {
    throwsWith(() => createPool({ colour: "red" } as never), TypeError, "colour", "threads, ");
  });

  it("reports a value of the wrong type with its type, as a TypeError", () => {
    throwsWith(() => createPool({ threads: "2" } as never), TypeError, 'received "2" (a string)');
    throwsWith(
      () => createPool({ worker: { gcOnIdle: "yes" } } as never),
      TypeError,
      "worker.gcOnIdle must be a boolean",
    );
    throwsWith(() => createPool({ worker: 3 } as never), TypeError, "worker must be an object");
    throwsWith(() => createPool({ module: 5 } as never), TypeError, "module", "5 (a number)");
    throwsWith(() => createPool({ allowOversubscribe: 1 } as never), TypeError, "boolean");
    throwsWith(
      () => createPool(null as never),
      TypeError,
      "options must be an object, received null",
    );
  });

  it("reports a value out of range with its type, as a RangeError", () => {
    throwsWith(() => createPool({ threads: 0 }), RangeError, "received 0 (a number)");
    throwsWith(() => createPool({ threads: 1.5 }), RangeError, "positive integer");
    throwsWith(
      () => createPool({ maxQueue: -1 }),
      RangeError,
      "maxQueue",
      "received -1 (a number)",
    );
    throwsWith(() => createPool({ timeoutGrace: NaN }), RangeError, "received NaN (a number)");
    throwsWith(
      () => createPool({ payload: { payloadMaxByteLength: 2 ** 32 } }),
      RangeError,
      "payload.payloadMaxByteLength",
    );
    throwsWith(
      () => createPool({ resourceLimits: { stackSizeMb: 0 } }),
      RangeError,
      "resourceLimits.stackSizeMb",
    );
    throwsWith(
      () => createPool({ balancer: "leastbusy" as never }),
      RangeError,
      '"roundRobin", "leastBusy", "firstIdle"',
      'did you mean "leastBusy"?',
    );
  });

  it("rejects an initial payload size above the maximum", () => {
    throwsWith(
      () => createPool({ payload: { payloadInitialBytes: 10, payloadMaxByteLength: 5 } }),
      RangeError,
      "payloadInitialBytes (10)",
    );
  });

  it("accepts every option at a valid value", () => {
    const options = {
      threads: 1,
      allowOversubscribe: false,
      module: new URL("./fixtures/basic_tasks.ts", import.meta.url),
      payload: { payloadInitialBytes: 1024, payloadMaxByteLength: 1 << 20 },
      worker: { spinMicroseconds: 0, parkMicroseconds: 0, gcOnIdle: false },
      hostSpinMicroseconds: 0,
      maxQueue: Infinity,
      timeoutGrace: 0,
      resourceLimits: { stackSizeMb: 4 },
      balancer: "roundRobin",
    } as const;
    assert.equal(typeof createPool(options), "function");
  });
});

describe("other options", () => {
  it("task() rejects a misspelled or bad definition field", () => {
    throwsWith(
      () => task({ f: (x: number) => x, timout: 5 } as never),
      TypeError,
      "there is no option timout (did you mean timeout?)",
    );
    throwsWith(
      () => task({ f: 5 } as never),
      TypeError,
      "f must be a function, received 5 (a number)",
    );
    throwsWith(
      () => task({ f: (x: number) => x, timeout: -1 }),
      RangeError,
      "received -1 (a number)",
    );
  });

  it("createPool names what is wrong with the tasks object", () => {
    throwsWith(() => createPool({ threads: 1 })(null as never), TypeError, "received null");
    throwsWith(
      () => createPool({ threads: 1 })({ add, oops: "add" as never }),
      TypeError,
      'tasks.oops is not a task made with task(), received "add" (a string)',
    );
  });
});

describe("the thread limit", () => {
  const parallelism = availableParallelism();
  const bound = Math.min(1024, 4 * parallelism);

  it("refuses more than 4 threads per unit of parallelism, saying what lifts the limit", () => {
    throwsWith(
      () => createPool({ threads: 10_000 }),
      RangeError,
      `at most ${bound}`,
      `available parallelism of ${parallelism}`,
      "allowOversubscribe",
      "received 10000 (a number)",
    );
    throwsWith(() => createPool({ threads: bound + 1 }), RangeError, `at most ${bound}`);
    assert.equal(typeof createPool({ threads: bound }), "function");
  });

  it("allows more with allowOversubscribe, up to 1024 threads", () => {
    assert.equal(typeof createPool({ threads: 1024, allowOversubscribe: true }), "function");
    throwsWith(
      () => createPool({ threads: 1025, allowOversubscribe: true }),
      RangeError,
      "at most 1024",
      "received 1025 (a number)",
    );
  });
});

describe("a pool's promise-returning members", () => {
  const pool = createPool({ threads: 1 })({ add, greet, echo, nest, measure, inertPoolReport });
  after(() => pool.shutdown());

  it("close with a bad option rejects instead of throwing", async () => {
    let closing: Promise<void> | undefined;
    assert.doesNotThrow(() => (closing = pool.close({ timeout: -1 })));
    await assert.rejects(closing!, /timeout must be a positive number.*received -1 \(a number\)/);
    await assert.rejects(pool.close({ timout: 5 } as never), /did you mean timeout\?/);
    await assert.rejects(pool.close("soon" as never), TypeError);
    // The pool is still open: bad options did not start closing it.
    assert.equal(await pool.call.add([1, 2]), 3);
  });

  it("a call with bad options rejects instead of throwing", async () => {
    let calling: Promise<number> | undefined;
    assert.doesNotThrow(() => (calling = pool.call.add([1, 2], { timeout: -1 })));
    await assert.rejects(calling!, RangeError);
    await assert.rejects(pool.call.add([1, 2], { timeout: "5" } as never), TypeError);
  });

  it("a call with a misspelled option rejects naming the closest one", async () => {
    await assert.rejects(pool.call.add([1, 2], { timout: 5 } as never), {
      name: "TypeError",
      message:
        "Cannot call task: there is no option timout (did you mean timeout?), received timout: 5 (a number)",
    });
    await assert.rejects(
      pool.call.add([1, 2], { signl: undefined } as never),
      /did you mean signal\?/,
    );
    assert.equal(await pool.call.add([1, 2], { timeout: 10_000 }), 3);
  });
});

describe("pool.call", () => {
  const pool = createPool({ threads: 1 })({ add, greet });
  after(() => pool.shutdown());

  it("throws a TypeError listing the tasks for a name that is not one", () => {
    throwsWith(
      () => (pool.call as unknown as Record<string, () => unknown>).nope(),
      TypeError,
      'Cannot call task: the pool has no task "nope", received a call to it (tasks: add, greet)',
    );
    throwsWith(() => (pool.call as Record<string, unknown>).ad, TypeError, 'did you mean "add"?');
  });

  it("still calls the tasks it has, and reads as an ordinary object", async () => {
    assert.equal(await pool.call.add([2, 3]), 5);
    assert.deepEqual(Object.keys(pool.call), ["add", "greet"]);
    assert.equal("nope" in pool.call, false);
    // Probes that must not throw: promise resolution, JSON, string conversion.
    assert.equal((pool.call as unknown as { then?: unknown }).then, undefined);
    assert.equal(await Promise.resolve(pool.call), pool.call);
    assert.equal(JSON.stringify(pool.call), "{}");
    assert.equal(String(pool.call), "[object Object]");
  });

  it("throws for unknown names in the inert pool made inside a worker too", async () => {
    const owner = createPool({ threads: 1 })({ inertPoolReport });
    try {
      const report = await owner.call.inertPoolReport();
      assert.match(
        report.unknownTask,
        /^TypeError: Cannot call task: the pool has no task "nope".*\(tasks: nest, measure\)$/,
      );
      assert.equal(report.closeReturns, "a promise");
      assert.match(report.close, /^RangeError: .*timeout/);
      assert.match(report.misspelled, /^TypeError: .*did you mean threads\?/);
      assert.match(report.known, /inert/);
    } finally {
      await owner.shutdown();
    }
  });
});

describe("deeply nested values", () => {
  const pool = createPool({ threads: 1 })({ echo, nest, measure });
  after(() => pool.shutdown());

  for (const kind of KINDS) {
    it(`carry ${kind}s nested ${MAX_DEPTH} deep, both ways`, async () => {
      assert.equal(await pool.call.measure(nested(kind, MAX_DEPTH)), MAX_DEPTH);
      assert.equal(depthOf(await pool.call.nest([kind, MAX_DEPTH])), MAX_DEPTH);
      assert.equal(depthOf(await pool.call.echo(nested(kind, MAX_DEPTH))), MAX_DEPTH);
    });

    it(`reject an argument of ${kind}s nested deeper with a RangeError naming the limit`, async () => {
      await assert.rejects(
        pool.call.echo(nested(kind, MAX_DEPTH + 1)),
        (err: Error) =>
          err instanceof RangeError && err.message.includes(`at most ${MAX_DEPTH} levels`) &&
          err.message.startsWith("Cannot send arg"),
      );
    });
  }

  it("carry the deepest values through a worker with the smallest stack allowed", async () => {
    // resourceLimits apply on Node only; elsewhere this is the default stack.
    const small = createPool({ threads: 1, resourceLimits: { stackSizeMb: 1 } })({ nest, measure });
    try {
      for (const kind of ["map", "error"] as const) {
        assert.equal(await small.call.measure(nested(kind, MAX_DEPTH)), MAX_DEPTH);
        assert.equal(depthOf(await small.call.nest([kind, MAX_DEPTH])), MAX_DEPTH);
      }
    } finally {
      await small.shutdown();
    }
  });

  it("reject a 100,000-deep argument with the same RangeError", async () => {
    await assert.rejects(
      pool.call.echo(nested("object", 100_000)),
      (err: Error) => err instanceof RangeError && err.message.includes(`at most ${MAX_DEPTH}`),
    );
  });

  it("fail a call whose result nests too deep, and the worker goes on", async () => {
    await assert.rejects(
      pool.call.nest(["object", MAX_DEPTH + 1]),
      (err: Error) =>
        err instanceof RangeError && err.message.startsWith("Cannot send result") &&
        err.message.includes(`at most ${MAX_DEPTH} levels`),
    );
    await assert.rejects(pool.call.nest(["map", 100_000]), RangeError);
    assert.equal(await pool.call.measure(nested("array", 10)), 10);
  });
});
