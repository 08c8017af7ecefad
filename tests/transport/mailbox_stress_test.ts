import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Worker } from "node:worker_threads";
import { HOST_BELL_I32, REQ_READ_I32 } from "../../src/memory/layout.ts";
import { HostLink, RESPONSES } from "../../src/transport/link.ts";
import {
  allocateGuardedLink,
  checkRegionCanaries,
  MailboxCanary,
} from "../fixtures/transport_canary.ts";
import type { EchoReport, EchoWorkerData } from "../fixtures/transport_echo_worker.ts";
import { checkValue, makeCorpus, metaFor, valueFor } from "../fixtures/transport_values.ts";

/** Small payload buffers, so that wrap-around, growth and back-pressure happen all the time. */
const INITIAL_BYTES = 4096;
const MAX_BYTES = 1024 * 1024;
/** A host wait that reaches this without progress re-checks; many in a row mean a hang. */
const SAFETY_WAIT_MS = 1000;
const MAX_IDLE_TIMEOUTS = 10;
/** Checks of the response and read words before the host parks (DESIGN.md: bounded, no timers). */
const SPIN_CHECKS = 2000;
/** Bun's runner stops a test after 5 s by default; these take 2–10 s on a loaded 2-core machine. */
const TEST_TIMEOUT_MS = 120_000;

interface RunOptions {
  mode: "sink" | "echo";
  seed: number;
  total: number;
  largeEvery: number;
}

interface HostReport {
  errors: string[];
  received: number;
  /** Requests that found no slot or payload space, and those of them that had a slot. */
  refusals: number;
  payloadRefusals: number;
  waits: number;
  /** Milliseconds spent waiting. */
  waitMs: number;
  /** Host waits that timed out with the bell rung (a lost `waitAsync` wake-up). */
  lostWakeups: number;
  /** Response messages that used the payload buffer, and how often their offsets wrapped. */
  payloadMessages: number;
  wraps: number;
  worker: EchoReport;
  seconds: number;
  /** Final byte lengths of the request and response payload buffers. */
  payloadBytes: number[];
}

/**
 * Runs one stress session: the host writes `total` seeded requests with `Outbox.put` (retrying a
 * refused one with `putEncoded(snapshot)` after waiting on its bell), and in "echo" mode reads
 * and verifies every response, sequence number, content and canaries.
 */
async function runLink(o: RunOptions): Promise<HostReport> {
  const start = performance.now();
  const buffers = allocateGuardedLink(INITIAL_BYTES, MAX_BYTES);
  const workerData: EchoWorkerData = { buffers, initialBytes: INITIAL_BYTES, ...o };
  const worker = new Worker(new URL("../fixtures/transport_echo_worker.ts", import.meta.url), {
    workerData,
  });
  let workerReport: EchoReport | undefined;
  let workerFailure: unknown;
  const finished = new Promise<void>((resolve) => {
    worker.once("message", (m: EchoReport) => {
      workerReport = m;
      resolve();
    });
    worker.once("error", (err: unknown) => {
      workerFailure = err;
      resolve();
    });
    worker.once("exit", () => resolve());
  });

  const link = new HostLink(buffers);
  const { requests, responses } = link;
  const canary = new MailboxCanary(buffers, RESPONSES, buffers.responsePayload, INITIAL_BYTES);
  const corpus = makeCorpus(o.seed);
  const echo = o.mode === "echo";
  const r: Omit<HostReport, "worker" | "seconds" | "payloadBytes"> = {
    errors: [],
    received: 0,
    refusals: 0,
    payloadRefusals: 0,
    waits: 0,
    waitMs: 0,
    lostWakeups: 0,
    payloadMessages: 0,
    wraps: 0,
  };
  const fail = (message: string) => {
    if (r.errors.length < 10) r.errors.push(message);
  };
  let sent = 0;
  let pending: Uint8Array | undefined;
  /** The worker's read count before the last write attempt that left `pending` refused. */
  let spaceMark = 0;
  let idleTimeouts = 0;

  const write = (): boolean => {
    const before = sent;
    // Read before trying: a request the worker takes after this moves it, so prepareWait sees it.
    spaceMark = link.started();
    while (sent < o.total) {
      if (pending !== undefined) {
        if (!requests.putEncoded(sent, metaFor(sent), pending)) break;
        pending = undefined;
      } else if (!requests.put(sent, metaFor(sent), valueFor(corpus, sent, o.largeEvery), "arg")) {
        r.refusals++;
        if (requests.hasSlot()) r.payloadRefusals++;
        pending = requests.snapshot();
        break;
      }
      sent++;
    }
    return sent !== before;
  };

  const read = (): boolean => {
    const n = responses.available();
    for (let i = 0; i < n; i++) {
      const seq = r.received;
      responses.peek();
      if (responses.id !== seq >>> 0) fail(`response ${seq}: id ${responses.id}`);
      if (responses.meta !== metaFor(seq)) fail(`response ${seq}: meta ${responses.meta}`);
      const value = responses.take();
      const breach = canary.checkAndRefill(seq);
      if (breach !== undefined) fail(breach);
      const bad = checkValue(corpus, seq, o.largeEvery, value);
      if (bad !== undefined) fail(bad);
      r.received++;
    }
    if (n === 0) return false;
    // Publish: the response slots and payload read above may be reused by the worker.
    responses.consume();
    if (link.workerWantsSpace()) link.wakeWorker();
    return true;
  };

  /** True when something changed that the loop can act on, without parking. */
  const spin = (): boolean => {
    const readAt = Atomics.load(link.i32, REQ_READ_I32);
    for (let i = 0; i < SPIN_CHECKS; i++) {
      if (echo && responses.available() > 0) return true;
      if (pending !== undefined && Atomics.load(link.i32, REQ_READ_I32) !== readAt) return true;
    }
    return false;
  };

  while ((sent < o.total || pending !== undefined || (echo && r.received < o.total))) {
    if (workerFailure !== undefined) break;
    if (workerReport !== undefined) {
      // The worker reports once it has published its last response; its message can arrive
      // before this loop has read them all, so read what is left before stopping.
      while (echo && read());
      break;
    }
    const wrote = write();
    link.publish();
    const got = echo && read();
    if (wrote || got || spin()) continue;
    link.setWantsSpace(pending !== undefined);
    const bell = link.prepareWait(pending === undefined ? undefined : spaceMark);
    if (bell === -1) continue;
    r.waits++;
    const waitStart = performance.now();
    const result = await new Promise<string>((resolve) =>
      link.waitAsync(bell, SAFETY_WAIT_MS, resolve)
    );
    link.running();
    r.waitMs += performance.now() - waitStart;
    if (result === "timed-out") {
      if (Atomics.load(link.i32, HOST_BELL_I32) !== bell) r.lostWakeups++;
      else if (++idleTimeouts >= MAX_IDLE_TIMEOUTS) {
        fail(`no progress for ${MAX_IDLE_TIMEOUTS} s: sent ${sent}, received ${r.received}`);
        break;
      }
    } else idleTimeouts = 0;
  }
  link.setWantsSpace(false);
  if (idleTimeouts >= MAX_IDLE_TIMEOUTS) {
    // The worker may be stuck in a loop that never reads its bell: end it rather than hang.
    await worker.terminate();
    assert.fail(`${r.errors.join("\n")}\nworker report: ${JSON.stringify(workerReport)}`);
  }
  if (r.errors.length > 0) link.stop();
  await finished;
  await worker.terminate();
  if (workerFailure !== undefined) throw workerFailure;
  assert.ok(workerReport !== undefined, "the worker exited without a report");
  assert.equal(workerReport.crash, undefined, workerReport.crash);
  const regionBreach = checkRegionCanaries(buffers);
  if (regionBreach !== undefined) fail(regionBreach);
  r.payloadMessages = canary.payloadMessages;
  r.wraps = canary.wraps;
  for (const b of [buffers.requestPayload, buffers.responsePayload]) {
    assert.ok(b.byteLength <= MAX_BYTES, `payload grew to ${b.byteLength}`);
  }
  return {
    ...r,
    worker: workerReport,
    seconds: (performance.now() - start) / 1000,
    payloadBytes: [buffers.requestPayload.byteLength, buffers.responsePayload.byteLength],
  };
}

function summary(name: string, total: number, rep: HostReport): string {
  const w = rep.worker;
  return `${name}: ${total} messages in ${rep.seconds.toFixed(2)} s; host refusals ` +
    `${rep.refusals} (payload ${rep.payloadRefusals}), waits ${rep.waits} (${
      rep.waitMs.toFixed(0)
    } ms), ` +
    `lost wake-ups ${rep.lostWakeups}; worker parks ${w.parks} (${
      w.parkMs.toFixed(0)
    } ms), refusals ${w.refusals}, lost wake-ups ` +
    `${w.lostWakeups}; payload messages/wraps req ${w.payloadMessages}/${w.wraps}, resp ` +
    `${rep.payloadMessages}/${rep.wraps}; payload bytes ${rep.payloadBytes.join("/")}`;
}

function assertClean(rep: HostReport, total: number): void {
  assert.deepEqual(rep.worker.errors, []);
  assert.deepEqual(rep.errors, []);
  assert.equal(rep.worker.received, total);
  // A worker that stayed parked for the whole safety wait although the host rang: a lost notify.
  assert.equal(rep.worker.lostWakeups, 0);
}

describe("mailbox stress", () => {
  // One million messages each way keeps a run near 10 s on an idle 2-core machine (about twice
  // that under load); two million in the first test took 8–15 s alone.
  it("carries a million seeded requests host->worker in order, intact and in bounds", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const total = 1_000_000;
    const rep = await runLink({ mode: "sink", seed: 0x5eed_0001, total, largeEvery: 1024 });
    console.log(summary("one direction", total, rep));
    assertClean(rep, total);
    assert.ok(rep.refusals > 0, "the request mailbox never refused a message");
    assert.ok(rep.worker.wraps > 0, "the request payload never wrapped");
  });

  it("echoes a million seeded round trips over the duplex link, verified on both sides", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const total = 1_000_000;
    const rep = await runLink({ mode: "echo", seed: 0x5eed_0002, total, largeEvery: 1024 });
    console.log(summary("duplex", total, rep));
    assertClean(rep, total);
    assert.equal(rep.received, total);
    assert.ok(rep.wraps > 0 && rep.worker.wraps > 0, "a payload buffer never wrapped");
  });

  it("keeps large values intact when every message needs the payload buffer", {
    timeout: TEST_TIMEOUT_MS,
  }, async () => {
    const total = 3000;
    const rep = await runLink({ mode: "echo", seed: 0x5eed_0003, total, largeEvery: 1 });
    console.log(summary("large only", total, rep));
    assertClean(rep, total);
    assert.equal(rep.received, total);
    assert.ok(rep.payloadRefusals > 0, "no request ever waited for payload space");
    assert.ok(rep.worker.refusals > 0, "no response ever waited for space");
  });
});
