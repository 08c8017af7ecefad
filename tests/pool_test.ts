import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { after, describe, it } from "node:test";
import { createPool, PoolClosedError, WorkerStartError } from "../mod.ts";
import {
  add,
  armTimer,
  blockUntil,
  didTimerFire,
  echo,
  fail,
  greet,
  hang,
  makeBytes,
  rejectLater,
  returnFunction,
  whoAmI,
} from "./fixtures/basic_tasks.ts";
import { ghost, present } from "./fixtures/ghost_tasks.ts";
import { never } from "./fixtures/broken_tasks.ts";
import { ISOLATIONS } from "./fixtures/isolation.ts";

const tasks = {
  add,
  greet,
  echo,
  fail,
  rejectLater,
  whoAmI,
  makeBytes,
  returnFunction,
  armTimer,
  didTimerFire,
  hang,
};

for (const isolation of ISOLATIONS) {
  describe(`a pool (${isolation} workers)`, () => {
    const pool = createPool({ threads: 2, isolation })(tasks);
    after(() => pool.shutdown());

    /**
     * Resolves once both workers have answered a call: calls go to workers that are ready before
     * ones still starting, so the spreading below holds only from then on.
     */
    async function bothReady(): Promise<void> {
      const seen = new Set<unknown>();
      const start = performance.now();
      while (seen.size < 2) {
        if (performance.now() - start > 10_000) assert.fail("a worker never became ready");
        for (const id of await Promise.all(Array.from({ length: 4 }, () => pool.call.whoAmI()))) {
          seen.add(id);
        }
        // Let the event loop deliver the other worker's "ready".
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }

    it("runs sync and async tasks and resolves with their results", async () => {
      const [sum, text] = await Promise.all([pool.call.add([1, 2]), pool.call.greet("ada")]);
      assert.equal(sum, 3);
      assert.equal(text, "hello ada");
    });

    it("awaits promise arguments before dispatch", async () => {
      assert.equal(await pool.call.add(Promise.resolve([20, 22] as [number, number])), 42);
    });

    it("settles thousands of calls made in one tick, more than the mailbox holds", async () => {
      const calls = Array.from({ length: 3000 }, (_, i) => pool.call.add([i, i]));
      const results = await Promise.all(calls);
      results.forEach((value, i) => assert.equal(value, 2 * i));
    });

    it("publishes the calls of one tick together, with one wake-up per worker", async () => {
      await bothReady();
      const before = pool.stats().batches;
      await Promise.all(Array.from({ length: 10 }, (_, i) => pool.call.add([i, 1])));
      // Ten calls round-robin over two workers: one publication for each.
      assert.equal(pool.stats().batches - before, 2);
    });

    it("spreads calls over the workers once both are ready", async () => {
      await bothReady();
      const ids = await Promise.all(Array.from({ length: 8 }, () => pool.call.whoAmI()));
      assert.equal(new Set(ids).size, 2);
    });

    it("fails only the call whose task throws, keeping class, message and stack", async () => {
      await assert.rejects(pool.call.fail("bad input"), (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.equal(err.message, "bad input");
        assert.match(err.stack ?? "", /basic_tasks\.ts/);
        return true;
      });
      assert.equal(await pool.call.add([2, 3]), 5);
    });

    it("fails only the call whose async task rejects", async () => {
      const [bad, good] = await Promise.allSettled([
        pool.call.rejectLater("late"),
        pool.call.add([1, 1]),
      ]);
      assert.equal(bad.status, "rejected");
      assert.ok((bad as PromiseRejectedResult).reason instanceof RangeError);
      assert.deepEqual(good, { status: "fulfilled", value: 2 });
    });

    it("rejects an argument holding a function before dispatch, naming its path", async () => {
      await assert.rejects(
        pool.call.echo({ user: { name: "ada", onSave: () => {} } }),
        (err: Error) => err instanceof TypeError && err.message.includes("arg.user.onSave"),
      );
      await assert.rejects(
        pool.call.echo({ items: [1, 2, 3, { onClick() {} }] }),
        (err: Error) => err instanceof TypeError && err.message.includes("arg.items[3].onClick"),
      );
      await assert.rejects(pool.call.echo(Symbol("local")), TypeError);
    });

    it("rejects a result that cannot cross with a TypeError naming its path", async () => {
      await assert.rejects(
        pool.call.returnFunction(),
        (err: Error) => err instanceof TypeError && err.message.includes("result.nested.cb"),
      );
      assert.equal(await pool.call.add([1, 0]), 1);
    });

    it("carries every number, bigint, string and byte value of the core set", async () => {
      const values: unknown[] = [
        0,
        -0,
        1.5,
        -7,
        2 ** 31,
        -(2 ** 31) - 1,
        Number.MAX_SAFE_INTEGER,
        Number.MIN_VALUE,
        NaN,
        Infinity,
        -Infinity,
        true,
        false,
        null,
        undefined,
        0n,
        -(2n ** 200n) + 3n,
        "",
        "plain ascii",
        "naïve café — 日本語 — 🧶🧵 — עברית",
        "x".repeat(47),
        "é".repeat(30),
        "🧶".repeat(100_000),
        new Uint8Array([1, 2, 3]),
        new Uint8Array(0),
        new Uint8Array(70_000).fill(9),
        new ArrayBuffer(12),
        { a: 1, b: [1, "two", { c: null }], d: { e: { f: [[], {}] } } },
        [undefined, null, -0, [1, [2, [3]]]],
      ];
      const back = await Promise.all(values.map((v) => pool.call.echo(v)));
      back.forEach((value, i) => assert.deepStrictEqual(value, values[i]));
      assert.ok(Object.is(back[1], -0));
    });

    it("returns large binary results through the payload buffer", async () => {
      const bytes = (await pool.call.makeBytes(3 * 1024 * 1024)) as Uint8Array;
      assert.equal(bytes.length, 3 * 1024 * 1024);
      assert.equal(bytes[bytes.length - 1], 7);
    });

    it("lets a timer started by an earlier task fire while the worker is idle", async () => {
      await pool.call.armTimer(5);
      let fired = false;
      for (let i = 0; i < 2000 && !fired; i++) {
        // Leave the worker idle between checks; the outcome, not the timing, is asserted.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const ids = await Promise.all([pool.call.didTimerFire(), pool.call.didTimerFire()]);
        fired = ids.some(Boolean);
      }
      assert.ok(fired);
    });
  });
}

describe("payload limits", () => {
  it("rejects an argument larger than payloadMaxByteLength with a RangeError naming both sizes", async () => {
    const pool = createPool({
      threads: 1,
      payload: { payloadInitialBytes: 1024, payloadMaxByteLength: 64 * 1024 },
    })({ echo, makeBytes });
    try {
      await assert.rejects(pool.call.echo(new Uint8Array(100_000)), (err: Error) => {
        assert.ok(err instanceof RangeError);
        assert.match(err.message, /1000\d\d bytes/);
        assert.match(err.message, /65536 bytes/);
        return true;
      });
      await assert.rejects(pool.call.makeBytes(70_000), RangeError);
      // A long string that is too large, sent while the payload buffer is in use, still fails
      // only its own call.
      const [small, big] = await Promise.allSettled([
        pool.call.echo(new Uint8Array(100)),
        pool.call.echo("x".repeat(70_000)),
      ]);
      assert.equal(small.status, "fulfilled");
      assert.ok((big as PromiseRejectedResult).reason instanceof RangeError);
      const ok = (await pool.call.echo(new Uint8Array(60_000))) as Uint8Array;
      assert.equal(ok.length, 60_000);
    } finally {
      await pool.shutdown();
    }
  });

  it("rejects an oversized argument at once when it would wait in the host queue", async () => {
    const pool = createPool({
      threads: 1,
      payload: { payloadInitialBytes: 1024, payloadMaxByteLength: 64 * 1024 },
    })({ echo, blockUntil });
    const flag = new SharedArrayBuffer(4);
    try {
      // Calls made in one tick are published together afterwards: the first 1,024 fill every
      // request slot and the next ones wait in the host queue (the worker then blocks in the
      // first call, so the queue stays).
      const blocked = pool.call.blockUntil(flag);
      const filler = Array.from({ length: 1025 }, (_, i) => pool.call.echo(i));
      let rejected: unknown;
      const big = pool.call.echo(new Uint8Array(100_000)).catch((err) => (rejected = err));
      await Promise.resolve();
      await Promise.resolve();
      assert.ok(rejected instanceof RangeError, "rejected before the queue moved");
      assert.match(rejected.message, /65536 bytes/);
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      // "not-equal" when the worker reached the wait after the store.
      assert.match(await blocked, /^(ok|not-equal)$/);
      assert.deepEqual(await Promise.all(filler), filler.map((_, i) => i));
      await big;
    } finally {
      await pool.shutdown();
    }
  });

  it("moves many payloads that together exceed the buffer, waiting for space in order", async () => {
    const pool = createPool({
      threads: 1,
      payload: { payloadInitialBytes: 4096, payloadMaxByteLength: 256 * 1024 },
    })({ echo });
    try {
      const inputs = Array.from({ length: 200 }, (_, i) => new Uint8Array(10_000 + i).fill(i));
      const outputs = (await Promise.all(inputs.map((v) => pool.call.echo(v)))) as Uint8Array[];
      outputs.forEach((out, i) => assert.deepStrictEqual(out, inputs[i]));
    } finally {
      await pool.shutdown();
    }
  });
});

describe("shutdown", () => {
  it("rejects pending calls with PoolClosedError and later calls at once", async () => {
    const pool = createPool({ threads: 1 })({ hang, add });
    const pending = assert.rejects(pool.call.hang(), PoolClosedError);
    assert.equal(await pool.call.add([1, 2]), 3);
    await pool.shutdown();
    await pending;
    await assert.rejects(pool.call.add([1, 2]), PoolClosedError);
    await pool.shutdown();
  });

  it("supports the single-task form", async () => {
    const single = add.createPool({ threads: 1 });
    assert.equal(await single.call([40, 2]), 42);
    await single.shutdown();
    await assert.rejects(single.call([1, 1]), PoolClosedError);
  });
});

describe("task discovery", () => {
  it("fails calls to a task the worker cannot find, naming the task and module", async () => {
    const pool = createPool({ threads: 1 })({ present, ghost: ghost! });
    try {
      assert.equal(await pool.call.present(2), 4);
      await assert.rejects(pool.call.ghost(2), (err: Error) => {
        assert.match(err.message, /"ghost"/);
        assert.match(err.message, /ghost_tasks\.ts/);
        return true;
      });
    } finally {
      await pool.shutdown();
    }
  });

  it("rejects calls with WorkerStartError when the task module throws on import", async () => {
    const pool = createPool({ threads: 1 })({ never });
    try {
      await assert.rejects(pool.call.never(1), (err: Error) => {
        assert.ok(err instanceof WorkerStartError);
        assert.match(err.message, /broken_tasks\.ts/);
        assert.match(err.message, /refuses to load/);
        return true;
      });
      await assert.rejects(pool.call.never(1), WorkerStartError);
    } finally {
      await pool.shutdown();
    }
  });
});

describe("options", () => {
  it("defaults threads to the available parallelism minus one, at least one", async () => {
    const pool = createPool()({ add });
    try {
      assert.equal(pool.stats().threads, Math.max(1, availableParallelism() - 1));
      assert.equal(await pool.call.add([1, 1]), 2);
    } finally {
      await pool.shutdown();
    }
  });

  it("rejects bad thread counts with a RangeError naming the value", () => {
    assert.throws(
      () => createPool({ threads: 0 }),
      /threads must be at least 1 without an inliner \(which runs calls on the host\), received 0/,
    );
    assert.throws(() => createPool({ threads: 1.5 }), RangeError);
  });

  it("rejects a tasks object holding something that is not a task", () => {
    assert.throws(
      () => createPool({ threads: 1 })({ nope: (() => 1) as never }),
      (err: Error) => err instanceof TypeError && err.message.includes("tasks.nope"),
    );
  });

  it("rejects bad payload sizes with a RangeError", () => {
    assert.throws(
      () =>
        createPool({
          threads: 1,
          payload: { payloadInitialBytes: 10, payloadMaxByteLength: 5 },
        })({ add }),
      RangeError,
    );
  });
});

describe("strings with lone surrogates", () => {
  it("cross unchanged, short and long", async () => {
    const pool = createPool({ threads: 1 })({ echo });
    try {
      for (const s of ["a\ud800b", "\udfff", "x".repeat(5000) + "\ud83d"]) {
        assert.equal(await pool.call.echo(s), s);
      }
    } finally {
      await pool.shutdown();
    }
  });
});
