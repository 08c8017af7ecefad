import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import {
  HOST_BELL_I32,
  HOST_STATE_I32,
  HostState,
  SLOT_COUNT,
  WORKER_BELL_I32,
  WORKER_STATE_I32,
  WorkerState,
} from "../../src/memory/layout.ts";
import { allocateLink } from "../../src/memory/region.ts";
import { HostLink, WorkerLink } from "../../src/transport/link.ts";
import { Control, type ParkWorkerData } from "../fixtures/transport_park_control.ts";

function pair(): { host: HostLink; worker: WorkerLink; i32: Int32Array } {
  const buffers = allocateLink({ payloadInitialBytes: 1024, payloadMaxByteLength: 64 * 1024 });
  const host = new HostLink(buffers);
  return { host, worker: new WorkerLink(buffers), i32: host.i32 };
}

/**
 * Registers a stand-in waiter on `index`, as a parked thread would be. The same thread can then
 * see whether a call notified it: `Atomics.notify` returns how many waiters it woke, so a waiter
 * that is still there afterwards was not notified, and `0` means the call under test woke it.
 * (The waiter's promise is not awaited: a pending `waitAsync` does not keep the event loop of
 * every runtime alive, and the count already says everything.)
 */
function standInWaiter(i32: Int32Array, index: number): void {
  const wait = Atomics.waitAsync(i32, index, Atomics.load(i32, index));
  assert.equal(wait.async, true);
}

/** Resolves once `ctl[index]` differs from `value` (or after `ms`); never blocks the thread. */
async function waitChange(ctl: Int32Array, index: number, value: number, ms: number) {
  const wait = Atomics.waitAsync(ctl, index, value, ms);
  if (wait.async) await wait.value;
}

describe("link wake-up protocol", () => {
  it("wakes a parked worker when HostLink.publish() publishes requests", async () => {
    const rounds = 200;
    const buffers = allocateLink({ payloadInitialBytes: 1024, payloadMaxByteLength: 64 * 1024 });
    const control = new SharedArrayBuffer(Control.LENGTH * Int32Array.BYTES_PER_ELEMENT);
    const ctl = new Int32Array(control);
    const workerData: ParkWorkerData = { buffers, control, rounds };
    const worker = new Worker(new URL("../fixtures/transport_park_worker.ts", import.meta.url), {
      workerData,
    });
    const done = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", reject);
    });
    const host = new HostLink(buffers);
    for (let round = 1; round <= rounds + 1; round++) {
      while (Atomics.load(ctl, Control.PARKED_ROUND) < round) {
        await waitChange(ctl, Control.PARKED_ROUND, round - 1, 5000);
      }
      assert.equal(Atomics.load(host.i32, WORKER_STATE_I32), WorkerState.PARKED);
      if (round <= rounds) {
        assert.equal(host.requests.put(round - 1, 0, round - 1, "arg"), true);
        host.publish();
      } else {
        host.stop();
      }
    }
    await done;
    await worker.terminate();
    assert.equal(Atomics.load(ctl, Control.ERRORS), 0);
    assert.equal(Atomics.load(ctl, Control.TIMED_OUT), 0, "a parked worker was never woken");
    assert.equal(Atomics.load(ctl, Control.STOPPED), 1, "stop() did not wake the worker");
    const ok = Atomics.load(ctl, Control.OK);
    const early = Atomics.load(ctl, Control.NOT_EQUAL) + Atomics.load(ctl, Control.SKIPPED);
    assert.equal(ok + early, rounds + 1);
    // Every ending is legal: a notify ("ok"), or the bell already moved when the wait began
    // ("not-equal": the worker was descheduled between its announcement and its wait, common on
    // a loaded machine), or the request already visible. The single-thread tests below prove the
    // notify itself deterministically; here at least some parks must have been real ones.
    assert.ok(ok > 0, `none of ${rounds + 1} parks ended with a notify`);
  });

  it("rings the bell but does not notify while the worker is not PARKED", () => {
    const { host, worker, i32 } = pair();
    for (const state of [WorkerState.BOOTING, WorkerState.RUNNING, WorkerState.STOPPED]) {
      worker.setState(state);
      const bell = Atomics.load(i32, WORKER_BELL_I32);
      standInWaiter(i32, WORKER_BELL_I32);
      host.wakeWorker();
      assert.equal(Atomics.load(i32, WORKER_BELL_I32), bell + 1, "the bell did not ring");
      assert.equal(Atomics.notify(i32, WORKER_BELL_I32), 1, `wakeWorker notified in ${state}`);
    }
  });

  it("notifies the worker's bell when the worker is PARKED", () => {
    const { host, worker, i32 } = pair();
    worker.setState(WorkerState.PARKED);
    standInWaiter(i32, WORKER_BELL_I32);
    host.wakeWorker();
    assert.equal(Atomics.notify(i32, WORKER_BELL_I32), 0, "the waiter was left waiting");
  });

  it("publishes without ringing when no request was written", () => {
    const { host, worker, i32 } = pair();
    worker.setState(WorkerState.PARKED);
    const bell = Atomics.load(i32, WORKER_BELL_I32);
    host.publish();
    assert.equal(Atomics.load(i32, WORKER_BELL_I32), bell);
  });

  it("prepareWait returns -1 and keeps the host RUNNING when responses are already there", () => {
    const { host, worker, i32 } = pair();
    assert.equal(worker.responses.put(7, 0, "done", "result"), true);
    worker.publish(false);
    assert.equal(host.prepareWait(undefined), -1);
    assert.equal(Atomics.load(i32, HOST_STATE_I32), HostState.RUNNING);
  });

  it("prepareWait returns the bell and marks the host WAITING when nothing is there", () => {
    const { host, i32 } = pair();
    Atomics.store(i32, HOST_BELL_I32, 41);
    assert.equal(host.prepareWait(undefined), 41);
    assert.equal(Atomics.load(i32, HOST_STATE_I32), HostState.WAITING);
    host.running();
    assert.equal(Atomics.load(i32, HOST_STATE_I32), HostState.RUNNING);
  });

  it("prepareWait returns -1 for a host that waits for space once the worker took a request", () => {
    const { host, worker } = pair();
    for (let i = 0; i < SLOT_COUNT; i++) assert.equal(host.requests.put(i, 0, i, "arg"), true);
    const mark = host.started();
    assert.equal(host.requests.put(SLOT_COUNT, 0, 0, "arg"), false);
    host.publish();
    assert.notEqual(host.prepareWait(mark), -1, "the worker has taken nothing yet");
    host.running();
    worker.requests.skip();
    worker.requests.consume();
    assert.notEqual(host.prepareWait(undefined), -1, "freed space counts only when asked for");
    host.running();
    assert.equal(host.prepareWait(mark), -1);
  });

  it("prepareWait parks a host that lacks payload space even while request slots are free", () => {
    const buffers = allocateLink({ payloadInitialBytes: 4096, payloadMaxByteLength: 4096 });
    const host = new HostLink(buffers);
    const mark = host.started();
    assert.equal(host.requests.put(0, 0, new Uint8Array(3000), "arg"), true);
    assert.equal(host.requests.put(1, 0, new Uint8Array(3000), "arg"), false);
    host.publish();
    assert.equal(host.requests.hasSlot(), true);
    // Nothing can change until the worker reads: answering -1 here made the host spin.
    assert.notEqual(host.prepareWait(mark), -1);
    assert.equal(Atomics.load(host.i32, HOST_STATE_I32), HostState.WAITING);
  });

  it("notifies the host only while it is WAITING", () => {
    const { host, worker, i32 } = pair();
    standInWaiter(i32, HOST_BELL_I32);
    worker.responses.put(1, 0, 1, "result");
    worker.publish(false);
    assert.equal(Atomics.notify(i32, HOST_BELL_I32), 1, "notified a RUNNING host");

    const bell = host.prepareWait(undefined);
    assert.equal(bell, -1, "the response above is still unread");
    host.responses.skip();
    host.responses.consume();
    const waitingBell = host.prepareWait(undefined);
    assert.equal(waitingBell, Atomics.load(i32, HOST_BELL_I32));
    standInWaiter(i32, HOST_BELL_I32);
    worker.responses.put(2, 0, 2, "result");
    worker.publish(false);
    assert.equal(Atomics.notify(i32, HOST_BELL_I32), 0, "a WAITING host was not notified");
  });

  it("rings the host for freed request space only while the host wants space", () => {
    const { host, worker, i32 } = pair();
    host.requests.put(1, 0, 1, "arg");
    host.requests.put(2, 0, 2, "arg");
    host.publish();
    const bell = Atomics.load(i32, HOST_BELL_I32);
    worker.requests.skip();
    worker.requests.consume();
    worker.publish(true);
    assert.equal(Atomics.load(i32, HOST_BELL_I32), bell, "rang for space nobody asked for");
    host.setWantsSpace(true);
    worker.requests.skip();
    worker.requests.consume();
    worker.publish(true);
    assert.equal(Atomics.load(i32, HOST_BELL_I32), bell + 1);
  });
});
