/**
 * The fault suite: every failure weft promises to survive, injected on purpose. Each test asserts
 * that every call settles with the documented class, that the pool serves correct results
 * afterwards, and (through `after`) that no worker is left running.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import {
  createPool,
  PoolClosedError,
  QueueFullError,
  TimeoutError,
  WorkerCrashedError,
  WorkerStartError,
} from "../mod.ts";
import * as faultTasks from "./fixtures/fault_tasks.ts";
import { unreachable } from "./fixtures/exit_on_start_tasks.ts";
import { type Isolation, ISOLATIONS } from "./fixtures/isolation.ts";

/** Every task of the fault fixture, by its export name. */
const tasks = { ...faultTasks };
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const isNode = !isDeno &&
  typeof (globalThis as { Bun?: unknown }).Bun === "undefined";

/** The whole suite, against pools of `isolation` workers. */
function faultSuite(isolation: Isolation): void {
  const kind = `(${isolation} workers)`;

  function makePool(threads = 1) {
    return createPool({ threads, timeoutGrace: 100, isolation })(tasks);
  }

  /** Waits (by polling the pool's own counters) until `done()` holds; fails after 10 s. */
  async function until(done: () => boolean, what: string): Promise<void> {
    const start = performance.now();
    while (!done()) {
      if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  function outcome(result: PromiseSettledResult<unknown>): unknown {
    return result.status === "fulfilled" ? result.value : (result.reason as Error).constructor;
  }

  describe(`crash recovery ${kind}`, () => {
    it("sends queued calls again after a crash, except those whose large copies went with it", async () => {
      const pool = makePool();
      try {
        // Above every runtime's channel threshold (256 KiB on Node, 128 KiB on Deno and Bun).
        const bytes = new Uint8Array(300_000).fill(3);
        const text = "y".repeat(5_000);
        const [crash, big, str, small] = await Promise.allSettled([
          pool.call.exitNow(7),
          pool.call.slowEcho([bytes, 0]),
          pool.call.slowEcho([text, 0]),
          pool.call.add([1, 2]),
        ]);
        assert.ok((crash as PromiseRejectedResult).reason instanceof WorkerCrashedError);
        // The 300 kB copy was moved to the dead worker's channel: that call cannot be sent again.
        const lost = (big as PromiseRejectedResult).reason;
        assert.ok(lost instanceof WorkerCrashedError);
        assert.match(lost.message, /^Cannot send call again: worker 0 died before it started/);
        assert.ok(lost.cause instanceof WorkerCrashedError);
        // A string is still on the host whichever way it went, and the caller's bytes are intact.
        assert.deepEqual(str, { status: "fulfilled", value: text });
        assert.deepEqual(small, { status: "fulfilled", value: 3 });
        assert.equal(bytes.length, 300_000);
        assert.equal(bytes[299_999], 3);
        assert.deepEqual(await pool.call.slowEcho([bytes, 0]), bytes);
      } finally {
        await pool.shutdown();
      }
    });

    it("rejects the running call with WorkerCrashedError and re-dispatches the calls behind it", async () => {
      const pool = makePool();
      try {
        const results = await Promise.allSettled([
          pool.call.exitNow(7),
          ...Array.from({ length: 20 }, (_, i) => pool.call.add([i, 1])),
        ]);
        const crash = results[0] as PromiseRejectedResult;
        assert.ok(crash.reason instanceof WorkerCrashedError);
        assert.match(crash.reason.message, /exited with code 7/);
        assert.equal(crash.reason.cause, 7);
        results.slice(1).forEach((r, i) =>
          assert.deepEqual(r, { status: "fulfilled", value: i + 1 })
        );
        assert.equal(pool.stats().respawns, 1);
        assert.equal(await pool.call.add([2, 2]), 4);
      } finally {
        await pool.shutdown();
      }
    });

    for (
      const [death, kill] of [
        ["an uncaught exception", "throwSoon"],
        ["an unhandled rejection", "rejectSoon"],
      ] as const
    ) {
      it(`replaces a worker that dies of ${death} between tasks`, async () => {
        const pool = makePool();
        try {
          assert.equal(await pool.call[kill](), "returned");
          await until(() => pool.stats().respawns === 1, "the worker was replaced");
          assert.equal(await pool.call.add([3, 4]), 7);
        } finally {
          await pool.shutdown();
        }
      });
    }

    it("settles every call of a batch of hundreds when a worker crashes in the middle", async () => {
      const pool = makePool(2);
      try {
        const calls = Array.from(
          { length: 600 },
          (_, i) => i === 300 ? pool.call.exitNow(1) : pool.call.add([i, i]),
        );
        const results = await Promise.allSettled(calls);
        results.forEach((r, i) => {
          if (i === 300) assert.equal(outcome(r), WorkerCrashedError);
          else assert.deepEqual(r, { status: "fulfilled", value: 2 * i });
        });
        assert.equal(await pool.call.add([1, 1]), 2);
      } finally {
        await pool.shutdown();
      }
    });

    // Three failed starts, each a whole child on process workers: longer than Bun's default
    // 5 s per test on a loaded machine.
    it("gives up with WorkerStartError after workers keep dying before they are ready", {
      timeout: 60_000,
    }, async () => {
      const pool = createPool({ threads: 1, isolation })({ unreachable });
      try {
        await assert.rejects(pool.call.unreachable(1), (err: Error) => {
          assert.ok(err instanceof WorkerStartError);
          assert.match(err.message, /3 workers in a row died before they were ready/);
          return true;
        });
        await assert.rejects(pool.call.unreachable(1), WorkerStartError);
      } finally {
        await pool.shutdown();
      }
    });

    it("replaces a worker that runs out of memory under resourceLimits (Node only)", {
      skip: !isNode && "resourceLimits exist only on Node's worker_threads",
    }, async () => {
      const pool = createPool({
        threads: 1,
        isolation,
        resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
      })(tasks);
      try {
        await assert.rejects(pool.call.allocateForever(), WorkerCrashedError);
        assert.equal(await pool.call.add([1, 2]), 3);
      } finally {
        await pool.shutdown();
      }
    });
  });

  describe(`timeouts ${kind}`, () => {
    it("rejects with TimeoutError, ends a worker stuck in a loop, and re-dispatches its queue", async () => {
      const pool = makePool();
      try {
        assert.equal(await pool.call.add([0, 0]), 0);
        // Deno cannot end a worker that runs a synchronous loop (2.9.6: terminate() leaves the
        // thread spinning until the process exits), so there the stuck task blocks instead, which
        // leaks a sleeping thread rather than a busy core into the rest of the suite.
        const [stuck, next] = await Promise.allSettled([
          isDeno
            ? pool.call.sleep(5_000, { timeout: 50 })
            : pool.call.spinForever(undefined, { timeout: 50 }),
          pool.call.add([5, 5]),
        ]);
        assert.equal(outcome(stuck), TimeoutError);
        assert.match(
          (stuck as PromiseRejectedResult).reason.message,
          /(spinForever|sleep).*50 ms/,
        );
        assert.deepEqual(next, { status: "fulfilled", value: 10 });
        assert.equal(pool.stats().respawns, 1);
      } finally {
        await pool.shutdown();
      }
    });

    it("aborts ctx for a cooperative task, which stops without its worker being ended", async () => {
      const pool = makePool();
      try {
        assert.equal(await pool.call.add([0, 0]), 0);
        await assert.rejects(pool.call.spinUntilAborted(undefined, { timeout: 30 }), TimeoutError);
        assert.equal(await pool.call.add([1, 1]), 2);
        assert.equal(pool.stats().respawns, 0);
      } finally {
        await pool.shutdown();
      }
    });

    it("uses the task's own timeout when the call gives none", async () => {
      const pool = createPool({ threads: 1, isolation })({ quick: faultTasks.sleep });
      const timed = createPool({ threads: 1, timeoutGrace: 100, isolation })({
        spinUntilAborted: faultTasks.spinUntilAborted,
      });
      try {
        assert.equal(await pool.call.quick(1), 1);
        await assert.rejects(
          timed.call.spinUntilAborted(undefined, { timeout: 20 }),
          TimeoutError,
        );
      } finally {
        await Promise.all([pool.shutdown(), timed.shutdown()]);
      }
    });

    it("settles each call exactly once when timeouts fire as results arrive", async () => {
      const pool = makePool();
      try {
        const results = await Promise.allSettled(
          Array.from({ length: 100 }, () => pool.call.sleep(1, { timeout: 1 })),
        );
        for (const r of results) {
          assert.ok(r.status === "fulfilled" ? r.value === 1 : r.reason instanceof TimeoutError);
        }
        assert.equal(await pool.call.add([1, 2]), 3);
      } finally {
        await pool.shutdown();
      }
    });

    it("rejects a non-positive timeout with a RangeError", async () => {
      const pool = makePool();
      try {
        await assert.rejects(pool.call.add([1, 1], { timeout: 0 }), RangeError);
        await assert.rejects(pool.call.add([1, 1], { timeout: -5 }), /received -5/);
      } finally {
        await pool.shutdown();
      }
    });
  });

  describe(`cancellation ${kind}`, () => {
    it("rejects at once with the reason of an already aborted signal, without running", async () => {
      const pool = makePool();
      try {
        const reason = new Error("changed my mind");
        await assert.rejects(
          pool.call.countRun(undefined, { signal: AbortSignal.abort(reason) }),
          (err) => err === reason,
        );
        assert.equal(await pool.call.runCount(), 0);
      } finally {
        await pool.shutdown();
      }
    });

    it("rejects a running call with the reason and aborts the task's signal", async () => {
      const pool = makePool();
      try {
        const controller = new AbortController();
        const call = pool.call.waitForAbort(undefined, { signal: controller.signal });
        // FIFO: once this answer is back, the worker has started waitForAbort.
        assert.equal(await pool.call.runCount(), 1);
        controller.abort();
        await assert.rejects(call, (err: Error) => err.name === "AbortError");
        assert.equal(await pool.call.lastAbortSeen(), "AbortError");
      } finally {
        await pool.shutdown();
      }
    });

    it("lets a synchronous loop see ctx.aborted() turn true", async () => {
      const pool = makePool();
      try {
        assert.equal(await pool.call.add([0, 0]), 0);
        const controller = new AbortController();
        const call = pool.call.spinUntilAborted(undefined, { signal: controller.signal });
        setTimeout(() => controller.abort(new Error("stop spinning")), 20);
        await assert.rejects(call, /stop spinning/);
        assert.equal(await pool.call.add([1, 1]), 2);
        assert.equal(pool.stats().respawns, 0);
      } finally {
        await pool.shutdown();
      }
    });

    it("removes an aborted call from the host queue so it never runs", async () => {
      const pool = makePool();
      try {
        const blocker = pool.call.sleep(100);
        const controller = new AbortController();
        // 1,100 calls overflow the 1,024-slot mailbox: the last ones wait in the host queue.
        const calls = Array.from({ length: 1100 }, () => pool.call.add([1, 1]));
        const last = pool.call.countRun(undefined, { signal: controller.signal });
        assert.ok(pool.stats().queued > 0);
        controller.abort();
        await assert.rejects(last, (err: Error) => err.name === "AbortError");
        await Promise.all([blocker, ...calls]);
        assert.equal(await pool.call.runCount(), 0);
      } finally {
        await pool.shutdown();
      }
    });

    it("settles a call once when it is aborted and its worker crashes", async () => {
      const pool = makePool();
      try {
        const controller = new AbortController();
        const call = pool.call.exitNow(1, { signal: controller.signal });
        controller.abort();
        await assert.rejects(call, (err: Error) => err.name === "AbortError");
        assert.equal(await pool.call.add([2, 3]), 5);
      } finally {
        await pool.shutdown();
      }
    });

    it("rejects a signal that is not an AbortSignal with a TypeError", async () => {
      const pool = makePool();
      try {
        await assert.rejects(pool.call.add([1, 1], { signal: {} as AbortSignal }), TypeError);
      } finally {
        await pool.shutdown();
      }
    });
  });

  describe(`closing ${kind}`, () => {
    it("close() lets running calls finish and refuses new ones", async () => {
      const pool = makePool();
      const running = pool.call.slowEcho(["kept", 30]);
      const closed = pool.close();
      await assert.rejects(pool.call.add([1, 1]), PoolClosedError);
      assert.equal(await running, "kept");
      await closed;
      assert.equal(pool.stats().threads, 0);
    });

    it("close({ timeout }) rejects what is still pending when the time is up", async () => {
      const pool = makePool();
      const stuck = assert.rejects(pool.call.hang(), PoolClosedError);
      await pool.close({ timeout: 30 });
      await stuck;
    });

    it("terminate() rejects everything pending at once", async () => {
      const pool = makePool();
      const pending = Promise.allSettled([pool.call.hang(), pool.call.slowEcho([1, 1000])]);
      await pool.terminate();
      for (const r of await pending) assert.equal(outcome(r), PoolClosedError);
    });

    it("closes through Symbol.asyncDispose, as `await using` does", async () => {
      const pool = makePool();
      const running = pool.call.slowEcho(["done", 10]);
      await pool[Symbol.asyncDispose]();
      assert.equal(await running, "done");
      await assert.rejects(pool.call.add([1, 1]), PoolClosedError);
    });

    it("refuses calls that race a close() made in the same tick", async () => {
      const pool = makePool();
      const before = pool.call.add([1, 1]);
      const closing = pool.close();
      const afterClose = assert.rejects(pool.call.add([2, 2]), PoolClosedError);
      assert.equal(await before, 2);
      await afterClose;
      await closing;
    });
  });

  describe(`backpressure ${kind}`, () => {
    it("rejects calls beyond maxQueue with QueueFullError and reports queue sizes", async () => {
      // Right after createPool the worker is still starting, so nothing leaves the mailbox.
      const pool = createPool({ threads: 1, maxQueue: 10, isolation })(tasks);
      try {
        // The mailbox holds 1,024 calls (SLOT_COUNT); ten more wait in the host queue.
        const accepted = Array.from({ length: 1024 + 10 }, (_, i) => pool.call.add([i, 0]));
        assert.deepEqual(
          { queued: pool.stats().queued, running: pool.stats().running },
          { queued: 10, running: 1024 },
        );
        await assert.rejects(pool.call.add([0, 0]), (err: Error) => {
          assert.ok(err instanceof QueueFullError);
          assert.match(err.message, /10 calls already wait/);
          return true;
        });
        const results = await Promise.all(accepted);
        results.forEach((v, i) => assert.equal(v, i));
      } finally {
        await pool.shutdown();
      }
    });

    it("rejects a bad maxQueue with a RangeError", () => {
      assert.throws(() => createPool({ maxQueue: -1 }), RangeError);
    });
  });

  describe(`soak ${kind}`, () => {
    const pool = makePool(2);
    after(() => pool.shutdown());

    it("settles tens of thousands of mixed calls, each with the outcome its kind predicts", {
      timeout: 60_000,
    }, async () => {
      let seed = 0x9e3779b9;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      let made = 0;
      let settled = 0;
      for (let round = 0; round < 20; round++) {
        const expected: unknown[] = [];
        const calls: Promise<unknown>[] = [];
        for (let i = 0; i < 1000; i++) {
          const r = random();
          made++;
          if (r < 0.002 && round % 4 === 1) {
            calls.push(pool.call.exitNow(1));
            expected.push(WorkerCrashedError);
          } else if (r < 0.05) {
            calls.push(pool.call.fail("soak"));
            expected.push(TypeError);
          } else if (r < 0.07) {
            calls.push(pool.call.add([i, round], { signal: AbortSignal.abort() }));
            expected.push(DOMException);
          } else {
            calls.push(pool.call.add([i, round]));
            expected.push(i + round);
          }
        }
        const results = await Promise.allSettled(calls);
        settled += results.length;
        results.forEach((r, i) => {
          const got = outcome(r);
          if (expected[i] === DOMException) {
            assert.equal((r as PromiseRejectedResult).reason.name, "AbortError");
          } else {
            assert.equal(got, expected[i], `round ${round}, call ${i}`);
          }
        });
      }
      assert.equal(settled, made);
      assert.equal(pool.stats().running, 0);
    });
  });
}

for (const isolation of ISOLATIONS) faultSuite(isolation);
