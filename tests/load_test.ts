/**
 * The load suite: many calls with tight limits at once. Timeouts must never discard a result that
 * was produced in time, their clock must not run while a worker starts, healthy workers must not
 * be replaced, no call may wait behind a stuck lane, and the host's event loop must stay
 * responsive. Worker and host agree through shared memory (finish times, counters), not sleeps.
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { createPool, TimeoutError } from "../mod.ts";
import { block, busy, count, finishTimes, inc, sharedNow, spin } from "./fixtures/load_tasks.ts";
import { instant } from "./fixtures/slow_start_tasks.ts";
import { type Isolation, ISOLATIONS } from "./fixtures/isolation.ts";

/**
 * OS threads of this process that run a worker (Linux), or undefined where `/proc` does not list
 * them. Worker threads carry the worker's name (`weft-0`, ...) on Node and Bun, and Deno names
 * them `worker-N`; the runtimes' helper threads (compilers, collectors) come and go on their own
 * and are not counted.
 */
function osThreads(): number | undefined {
  if (!existsSync("/proc/self/task")) return undefined;
  let n = 0;
  for (const tid of readdirSync("/proc/self/task")) {
    try {
      if (/^(weft|worker)-\d+$/.test(readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim())) {
        n++;
      }
    } catch {
      // The thread ended while being listed.
    }
  }
  return n;
}

/** Waits (polling a count the OS or the pool keeps) until `done()` holds; fails after 10 s. */
async function until(done: () => boolean, what: () => string): Promise<void> {
  const start = performance.now();
  while (!done()) {
    if (performance.now() - start > 10_000) assert.fail(`timed out waiting until ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The cases that hold for `isolation` workers alike. */
function loadSuite(isolation: Isolation): void {
  describe(`timeouts under load (${isolation} workers)`, () => {
    it("resolves the calls of a long group that finished inside their timeout", {
      // A process worker's answers cross a pipe after the task returns: one that comes back a
      // little after its timeout is late at the host, which is all the host can see.
      skip: isolation === "process" && "a process worker's pipe adds its latency to every timeout",
    }, async () => {
      const pool = createPool({ threads: 1, isolation })({ busy, finishTimes, inc });
      try {
        assert.equal(await pool.call.inc(1), 2);
        const count = 20;
        const start = sharedNow();
        const results = await Promise.allSettled(
          Array.from({ length: count }, (_, i) => pool.call.busy([2, i], { timeout: 30 })),
        );
        // Asked of the one worker after every task before it has returned.
        const finished = await pool.call.finishTimes(count);
        for (let i = 0; i < count; i++) {
          const r = results[i];
          // Each clock started after `start`; 1 ms of slack for the threads' clocks.
          if (finished[i] !== 0 && finished[i] < start + 29) {
            assert.deepEqual(r, { status: "fulfilled", value: i }, `call ${i} finished in time`);
          }
          if (finished[i] === 0) {
            assert.equal(r.status, "rejected", `call ${i} never ran`);
            assert.ok((r as PromiseRejectedResult).reason instanceof TimeoutError);
          }
        }
      } finally {
        await pool.shutdown();
      }
    });

    it("starts the clock once the worker is ready, not while its modules load", async () => {
      // The module's top-level await takes 500 ms in each worker.
      const pool = createPool({ threads: 1, isolation })({ instant });
      try {
        assert.equal(await pool.call.instant(7, { timeout: 300 }), 7);
      } finally {
        await pool.shutdown();
      }
    });

    it("does not count a fresh pool's start-up against its first call", async () => {
      const pool = createPool({ threads: 1, isolation })({ inc });
      // A process worker's first call also crosses the relay and the child's first time through
      // its own code: 30 ms is too short for that on a loaded machine, while its start-up (a
      // whole process, hundreds of milliseconds) still is far longer than 300.
      const timeout = isolation === "process" ? 300 : 30;
      try {
        assert.equal(await pool.call.inc(1, { timeout }), 2);
      } finally {
        await pool.shutdown();
      }
    });
  });

  describe(`replacing stuck workers (${isolation} workers)`, () => {
    it("replaces no worker when calls time out but no task overruns its own time", async () => {
      const pool = createPool({ threads: 1, isolation })({ spin, inc });
      try {
        assert.equal(await pool.call.inc(1), 2);
        // A process worker's abort notices cross a pipe: the calls its thread starts before
        // they arrive run to their end (3 ms each), so fewer calls, and more time after them.
        const calls = isolation === "process" ? 200 : 1_500;
        const results = await Promise.allSettled(
          Array.from({ length: calls }, () => pool.call.spin(3, { timeout: 2 })),
        );
        for (const r of results) {
          assert.ok(r.status === "fulfilled" ? r.value === 3 : r.reason instanceof TimeoutError);
        }
        // Each timed-out call had to stop within 1 s of its timeout; each ran 3 ms.
        const after = isolation === "process" ? 5_000 : 1_000;
        assert.equal(await pool.call.inc(2, { timeout: after }), 3);
        assert.equal(pool.stats().respawns, 0);
      } finally {
        await pool.shutdown();
      }
    });
  });
}

for (const isolation of ISOLATIONS) loadSuite(isolation);

describe("replacing stuck workers", () => {
  it("ends the thread of every worker it replaces", {
    skip: osThreads() === undefined ? "no /proc/self/task" : false,
    timeout: 60_000,
  }, async () => {
    const before = osThreads()!;
    const pool = createPool({ threads: 1, timeoutGrace: 50 })({ block, inc });
    try {
      assert.equal(await pool.call.inc(1), 2);
      const running = osThreads()!;
      for (let k = 1; k <= 2; k++) {
        // The task blocks until released (10 s at most), ignoring its signal: after its timeout
        // and the grace period its worker is replaced.
        const counts = new Int32Array(new SharedArrayBuffer(8));
        // A generous timeout: the task must have started before it expires (else it is skipped).
        const stuck = pool.call.block([counts, 10_000], { timeout: 500 });
        await assert.rejects(stuck, TimeoutError);
        assert.equal(Atomics.load(counts, 0), 1, "the task started before its timeout");
        await until(() => pool.stats().respawns === k, () => `respawn ${k}`);
        assert.equal(await pool.call.inc(k), k + 1);
        // Where ending a thread in a synchronous task is not possible (Deno), the old worker
        // leaves once its task returns.
        Atomics.store(counts, 1, 1);
        Atomics.notify(counts, 1);
        await until(
          () => osThreads()! <= running,
          () => `the replaced thread ended (${osThreads()} threads, ${running} with one worker)`,
        );
      }
      assert.equal(pool.stats().threads, 1);
    } finally {
      await pool.shutdown();
    }
    await until(
      () => osThreads()! <= before,
      () => `the pool's threads ended (${osThreads()} threads, ${before} before)`,
    );
  });
});

/** Resolves once `counts[index]` is not `value` (waiting asynchronously on shared memory). */
async function changed(counts: Int32Array, index: number, value: number): Promise<void> {
  while (Atomics.load(counts, index) === value) {
    const wait = Atomics.waitAsync(counts, index, value, 10_000);
    if (wait.async && (await wait.value) === "timed-out") assert.fail("the task never started");
  }
}

describe("routing around a stuck lane", () => {
  for (const balancer of ["leastBusy", "roundRobin", "firstIdle"] as const) {
    it(`runs short calls elsewhere while one lane is blocked (${balancer})`, async () => {
      const pool = createPool({ threads: 2, balancer })({ block, count, inc });
      const counts = new Int32Array(new SharedArrayBuffer(8));
      try {
        await Promise.all([pool.call.inc(1), pool.call.inc(2)]);
        // Blocked until released below (10 s at most): far longer than the calls below take.
        const stuck = pool.call.block([counts, 10_000]);
        // Should an assertion below fail, the shutdown rejects this call: report the assertion.
        stuck.catch(() => {});
        await changed(counts, 0, 0);
        const start = performance.now();
        const sums = await Promise.all(Array.from({ length: 1_000 }, (_, i) => pool.call.inc(i)));
        const ms = performance.now() - start;
        assert.deepEqual(sums, Array.from({ length: 1_000 }, (_, i) => i + 1));
        // The same with calls that count their runs in shared memory (these also carry the
        // memory beside the mailbox, which a withdrawn call must send again).
        const ran = new Int32Array(new SharedArrayBuffer(4));
        const results = await Promise.all(
          Array.from({ length: 1_000 }, () => pool.call.count(ran)),
        );
        // Still blocked: nothing below waited for it.
        assert.equal(Atomics.load(counts, 1), 0);
        // Loose, for a loaded machine: behind the blocked task, half of them would wait 10 s.
        assert.ok(ms < 3_000, `1,000 short calls took ${ms.toFixed(0)} ms beside a stuck lane`);
        // Every call ran exactly once, withdrawn from the stuck lane or not.
        assert.equal(Atomics.load(ran, 0), 1_000);
        assert.deepEqual(
          results.toSorted((a, b) => a - b),
          Array.from({ length: 1_000 }, (_, i) => i + 1),
        );
        Atomics.store(counts, 1, 1);
        Atomics.notify(counts, 1);
        assert.equal(await stuck, 1);
        assert.equal(await pool.call.inc(3), 4);
      } finally {
        await pool.shutdown();
      }
    });
  }
});
