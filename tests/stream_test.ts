/**
 * Generator tasks: ordering, return values, the codec's values, backpressure, cancellation from
 * each side, errors and crashes mid-stream, many small items and large ones.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { after, describe, it } from "node:test";
import { createPool, TimeoutError, WorkerCrashedError } from "../mod.ts";
import { type Isolation, ISOLATIONS } from "./fixtures/isolation.ts";
import * as streamTasks from "./fixtures/stream_tasks.ts";

const tasks = { ...streamTasks };

/** The cases that hold for `isolation` workers alike. */
function streamSuite(isolation: Isolation): void {
  describe(`a generator task (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })(tasks);
    after(() => pool.shutdown());

    it("streams its values in order and resolves with its return value", async () => {
      const call = pool.call.count(1000);
      const got: number[] = [];
      for await (const v of call) got.push(v);
      assert.deepEqual(got, Array.from({ length: 1000 }, (_, i) => i));
      assert.equal(await call, "done");
    });

    it("streams a synchronous generator the same way", async () => {
      const got: number[] = [];
      const call = pool.call.countSync(700, { highWaterMark: { items: 16 } });
      for await (const v of call) got.push(v);
      assert.deepEqual(got, Array.from({ length: 700 }, (_, i) => i));
      assert.equal(await call, 700);
    });

    it("ends at once for a generator that yields nothing", async () => {
      const call = pool.call.count(0);
      assert.deepEqual(await call.next(), { value: "done", done: true });
      assert.deepEqual(await call.next(), { value: undefined, done: true });
    });

    it("runs to its end when awaited without being read", async () => {
      assert.equal(await pool.call.countSync(5000, { highWaterMark: { items: 8 } }), 5000);
    });

    it("carries every kind of value, errors as values too", async () => {
      const got: unknown[] = [];
      const call = pool.call.kinds();
      for await (const v of call) got.push(v);
      assert.ok(Object.is(got[0], -0));
      assert.equal(got[1], 2n ** 70n);
      assert.deepEqual(got[2], new Map([[1, { a: [1, , 3] }]]));
      assert.deepEqual(got[3], new Date(0));
      assert.ok(got[4] instanceof RangeError);
      assert.equal((got[4] as RangeError).cause, 7);
      assert.deepEqual(await call, new Set(["end"]));
    });

    it("suspends the producer while the reader has a window unread", async () => {
      const window = 8;
      const call = pool.call.producer(undefined, { highWaterMark: { items: window } });
      let consumed = 0;
      let maxAhead = 0;
      for await (const v of call) {
        assert.equal(v, consumed);
        consumed++;
        // Read while this reader stands still: what the worker has produced by then bounds it.
        const ahead = await pool.call.producedCount() - consumed;
        maxAhead = Math.max(maxAhead, ahead);
        assert.ok(
          ahead <= window,
          `the producer ran ${ahead} items ahead of a window of ${window}`,
        );
        // A slow reader: the worker has every chance to run ahead.
        if (consumed % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
        if (consumed === 400) break;
      }
      assert.ok(maxAhead > 0, "the producer never ran ahead");
    });

    it("credits the producer once half the bytes window is read, before the reader runs dry", async () => {
      // 16 KiB items against a 64 KiB window: 4 fill it; reading 2 is half its bytes.
      const call = pool.call.producer(16384, { highWaterMark: { bytes: 65536 } });
      try {
        // The answer comes after the 4 items in the same mailbox: all 4 wait here now.
        assert.equal(await pool.call.producedCount(), 4);
        assert.equal((await call.next()).done, false);
        assert.equal((await call.next()).done, false);
        // The credit went out ahead of this call, and the worker filled the window again first.
        assert.equal(await pool.call.producedCount(), 6);
      } finally {
        await call.return();
      }
    });

    it("suspends a producer of numbers at the window's bytes, four bytes to an int32", async () => {
      const call = pool.call.producer(undefined, { highWaterMark: { bytes: 16 } });
      let consumed = 0;
      for await (const v of call) {
        assert.equal(v, consumed);
        consumed++;
        const ahead = await pool.call.producedCount() - consumed;
        assert.ok(ahead <= 4, `the producer ran ${ahead} items ahead of a 16-byte window`);
        if (consumed === 100) break;
      }
    });

    it("carries the numbers of a synchronous generator exactly, in order among other values", async () => {
      const expected: unknown[] = [];
      for (let i = 0; i < 3000; i++) {
        expected.push(i);
        if (i % 7 === 0) expected.push(i + 0.5);
        if (i % 11 === 0) expected.push(-0);
        if (i % 13 === 0) expected.push(`s${i}`);
        if (i % 17 === 0) expected.push(NaN);
        if (i % 19 === 0) expected.push(2 ** 40 + i);
      }
      const got: unknown[] = [];
      const call = pool.call.numberMix(3000, { highWaterMark: { items: 100 } });
      for await (const v of call) got.push(v);
      assert.equal(got.length, expected.length);
      for (let i = 0; i < got.length; i++) {
        if (!Object.is(got[i], expected[i])) {
          assert.fail(`item ${i}: ${expected[i]} came as ${got[i]}`);
        }
      }
      assert.equal(await call, 3000);
    });

    it("holds the producer to the window's bytes", async () => {
      // 16 KiB items against a 64 KiB window: at most 4 (plus the one that crosses) ahead.
      const got: number[] = [];
      for await (const c of pool.call.chunks([40, 16384], { highWaterMark: { bytes: 65536 } })) {
        got.push(c[0]);
        assert.equal(c.length, 16384);
      }
      assert.deepEqual(got, Array.from({ length: 40 }, (_, i) => i));
    });

    it("moves large items through the payload buffer", async () => {
      let n = 0;
      for await (const c of pool.call.chunks([12, 1 << 20])) {
        assert.equal(c.length, 1 << 20);
        assert.equal(c[0], n);
        assert.equal(c[c.length - 1], n);
        n++;
      }
      assert.equal(n, 12);
    });

    it("streams a million small items", async () => {
      // Batched: 1,000 items of 1,000 numbers each, so the suite stays fast on every runtime.
      const call = pool.call.countBatches([1000, 1000]);
      let expected = 0;
      for await (const batch of call) {
        for (let i = 0; i < batch.length; i++) {
          if (batch[i] !== expected) assert.fail(`item ${expected} came as ${batch[i]}`);
          expected++;
        }
      }
      assert.equal(expected, 1_000_000);
      assert.equal(await call, 1_000_000);
    });

    it("streams a hundred thousand single items", async () => {
      let expected = 0;
      for await (const v of pool.call.countSync(100_000)) {
        if (v !== expected) assert.fail(`item ${expected} came as ${v}`);
        expected++;
      }
      assert.equal(expected, 100_000);
    });

    for (const name of ["guarded", "guardedSync"] as const) {
      it(`runs the finally of a ${name === "guarded" ? "async" : "sync"} generator on break`, async () => {
        const before = await pool.call.finallyCount();
        let n = 0;
        const call = pool.call[name]();
        for await (const v of call) {
          assert.equal(v, n++);
          if (n === 5) break;
        }
        // `break` resolves once the worker has returned the generator.
        assert.equal(await pool.call.finallyCount(), before + 1);
        assert.equal(await call, undefined);
      });
    }

    it("runs the finally on return() and reuses the lane", async () => {
      const before = await pool.call.finallyCount();
      const call = pool.call.ticking(1);
      assert.deepEqual(await call.next(), { value: 0, done: false });
      assert.deepEqual(await call.return(), { value: undefined, done: true });
      assert.equal(await pool.call.finallyCount(), before + 1);
      assert.equal(pool.stats().running, 0);
      assert.deepEqual(await collect(pool.call.count(3)), [0, 1, 2]);
    });

    it("lets other calls run on its worker while it is open", async () => {
      // One worker: the stream holds its place there, stalled at its window, unread.
      const call = pool.call.guardedSync(undefined, { highWaterMark: { items: 4 } });
      assert.deepEqual(await call.next(), { value: 0, done: false });
      assert.equal(typeof await pool.call.finallyCount(), "number");
      assert.deepEqual(await collect(pool.call.count(2)), [0, 1]);
      assert.deepEqual(await call.next(), { value: 1, done: false });
      await call.return();
    });

    it("runs the finally when the caller's signal aborts", async () => {
      const before = await pool.call.finallyCount();
      const controller = new AbortController();
      const call = pool.call.ticking(1, { signal: controller.signal });
      assert.deepEqual(await call.next(), { value: 0, done: false });
      controller.abort(new Error("enough"));
      await assert.rejects(async () => {
        for await (const _ of call);
      }, /enough/);
      await call.return();
      assert.equal(await pool.call.finallyCount(), before + 1);
    });

    it("rejects with TimeoutError and runs the finally when its timeout expires", async () => {
      const before = await pool.call.finallyCount();
      const call = pool.call.ticking(2, { timeout: 30 });
      await assert.rejects(async () => {
        for await (const _ of call);
      }, TimeoutError);
      await call.return();
      assert.equal(await pool.call.finallyCount(), before + 1);
    });

    it("delivers the values before the error, then rejects with the error itself", async () => {
      const call = pool.call.failing("boom");
      assert.deepEqual(await call.next(), { value: 1, done: false });
      assert.deepEqual(await call.next(), { value: 2, done: false });
      const err = await call.next().then(() => undefined, (e) => e);
      assert.ok(err instanceof RangeError);
      assert.equal(err.message, "boom");
      assert.deepEqual(err.cause, { code: 42 });
      assert.match(err.stack ?? "", /failing|stream_tasks/);
      assert.deepEqual(await call.next(), { value: undefined, done: true });
      await assert.rejects(Promise.resolve(call), RangeError);
    });

    it("fails with a TypeError naming the value that cannot cross, and runs the finally", async () => {
      const before = await pool.call.finallyCount();
      const call = pool.call.uncloneable();
      assert.deepEqual(await call.next(), { value: 1, done: false });
      await assert.rejects(call.next(), (err: Error) => {
        assert.ok(err instanceof TypeError);
        assert.match(err.message, /item\.cb/);
        return true;
      });
      assert.equal(await pool.call.finallyCount(), before + 1);
    });

    it("pipes through a ReadableStream", async () => {
      const text: string[] = [];
      await pool.call.count(5).readable.pipeTo(
        new WritableStream({ write: (v) => void text.push(String(v)) }),
      );
      assert.deepEqual(text, ["0", "1", "2", "3", "4"]);
    });

    it("refuses a bad highWaterMark before dispatch", async () => {
      await assert.rejects(
        pool.call.count(3, { highWaterMark: { items: 0 } }).next(),
        /Cannot call task: highWaterMark\.items must be a positive integer, received 0/,
      );
      await assert.rejects(
        pool.call.count(3, { highWaterMark: { item: 4 } as never }).next(),
        /did you mean highWaterMark\.items/,
      );
    });
  });

  describe(`a generator task whose worker crashes (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })(tasks);
    after(() => pool.shutdown());

    it("rejects the pending read with WorkerCrashedError, and the pool goes on", async () => {
      const call = pool.call.crashing();
      assert.deepEqual(await call.next(), { value: 1, done: false });
      await assert.rejects(call.next(), WorkerCrashedError);
      assert.deepEqual(await collect(pool.call.count(2)), [0, 1]);
    });

    it("rejects with WorkerCrashedError when a synchronous generator's worker exits mid-stream", async () => {
      const got: number[] = [];
      await assert.rejects(async () => {
        for await (const v of pool.call.crashingSync(1000)) got.push(v);
      }, WorkerCrashedError);
      // Whatever came before the crash came in order, none twice.
      assert.deepEqual(got, Array.from({ length: got.length }, (_, i) => i));
      assert.deepEqual(await collect(pool.call.count(2)), [0, 1]);
    });

    it("rejects the pending read with WorkerCrashedError when the child process is killed", {
      skip: isolation === "thread" && "a thread worker has no process of its own",
    }, async () => {
      const child = await pool.call.pid();
      const call = pool.call.ticking(1);
      assert.deepEqual(await call.next(), { value: 0, done: false });
      process.kill(child, "SIGKILL");
      await assert.rejects(async () => {
        for await (const _ of call);
      }, WorkerCrashedError);
      assert.notEqual(await pool.call.pid(), child);
      assert.deepEqual(await collect(pool.call.count(2)), [0, 1]);
    });
  });
}

for (const isolation of ISOLATIONS) streamSuite(isolation);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe("a stream on a pool without workers", () => {
  const pool = createPool({ threads: 0, inliner: {} })(tasks);
  after(() => pool.shutdown());

  it("is refused: streams need a worker thread", async () => {
    await assert.rejects(
      pool.call.count(3).next(),
      /need a worker thread, received a pool with threads: 0/,
    );
    await assert.rejects(pool.call.progressing(1, { onProgress: () => {} }), RangeError);
    // Plain calls still run on the host.
    assert.equal(await pool.call.finallyCount(), 0);
  });
});
