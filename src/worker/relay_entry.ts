/**
 * The relay: the host-side thread of a process worker (see `src/runtime/process_worker.ts`). To
 * the host it is an ordinary worker: it runs weft's worker loop on the lane's link, with one
 * stand-in task per real task. A stand-in sends its call down the child's pipe and settles with
 * the child's answer, so the loop's own machinery (start stamps, abort notices, the withdraw
 * fence, answers and their out-of-band items) works as on any thread. Stream calls are
 * forwarded message by message (`relay_calls.ts`).
 *
 * Batching: the loop starts every call it finds in one pass, and the records they add go out
 * together as one frame in a microtask after the pass; the child's answers come back the same
 * way, and settle in one pass too. An abort (or expired timeout) the loop sees aborts the
 * stand-in's signal, which sends an `ABORT` record; the child's task sees its own signal abort.
 *
 * The relay starts the child at once and stores its pid where the host can read it, so that
 * ending the worker can kill the child however far the relay got.
 *
 * @module
 */

import { registerWeftErrors } from "../memory/error_classes.ts";
import { FrameReader, FrameWriter, PipeRecord } from "../memory/pipe_codec.ts";
import type { ParentPort } from "../runtime/adapter.ts";
import { type ChildProcess, spawnChild } from "../runtime/child_process.ts";
import { runtime } from "../runtime/detect.ts";
import { isRelayInit, type RelayInit, type RelayMessage } from "../runtime/process_worker.ts";
import { WorkerLink } from "../transport/link.ts";
import type { ChildInit, WorkerInit } from "./init.ts";
import { WorkerLoop } from "./loop.ts";
import { RelayCalls } from "./relay_calls.ts";
import type { TaskEntry } from "./registry.ts";

/** One frame per turn: the records added in a turn go out together, in one write. */
class Pipe {
  readonly #child: ChildProcess;
  readonly #frames = new FrameWriter();
  #scheduled = false;
  readonly #flush = () => {
    this.#scheduled = false;
    if (this.#frames.size > 0) this.#child.write(this.#frames.take());
  };

  constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** @throws {TypeError} When the value cannot cross. */
  send(kind: number, a: number, b: number, value: unknown): void {
    this.#frames.add(kind, a, b, value);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flush);
  }
}

function start(data: RelayInit, port: ParentPort): void {
  registerWeftErrors();
  const init = data.init as WorkerInit;
  const child = spawnChild(data.argv);
  // Publish: from here on, ending this worker kills the child too.
  Atomics.store(new Int32Array(data.pid), 0, child.pid);
  const pipe = new Pipe(child);
  const calls = new RelayCalls(pipe);
  const tasks: TaskEntry[] = init.tasks.map((ref, i) => ({
    f: calls.standIn(i) as unknown as TaskEntry["f"],
    moduleUrl: ref.module,
    ordinal: ref.ordinal,
  }));
  let loop: WorkerLoop | undefined = undefined;
  const early: unknown[] = [];
  port.onMessage(() => {});
  port.onData((message) => {
    if (loop === undefined) early.push(message);
    else loop.onMessage(message);
  });
  const ready = () => {
    loop = new WorkerLoop(new WorkerLink(init.buffers), tasks, {
      spinMicroseconds: init.spinMicroseconds,
      parkMicroseconds: init.parkMicroseconds,
      // The relay's own heap holds only calls in flight: a collection when idle buys nothing
      // and holds the next batch up (the child's thread collects as configured).
      gc: undefined,
      outOfBand: runtime.outOfBand,
      decoding: runtime.decoding,
      data: port,
      streams: calls.streams,
    }, () => {});
    for (const message of early.splice(0)) loop.onMessage(message);
    port.postMessage({ type: "ready" });
    loop.run();
  };
  const reader = new FrameReader();
  child.onData((chunk) =>
    reader.push(chunk, (kind, a, b, value) => {
      if (calls.record(kind, a, b, value)) return;
      if (kind === PipeRecord.READY) {
        if (loop === undefined) ready();
      } else if (kind === PipeRecord.RESPAWNED) port.postMessage({ type: "respawned" });
      else if (kind === PipeRecord.BOOT_ERROR) port.postMessage(value);
    })
  );
  child.onExit((code, signal) => {
    const message: RelayMessage = { type: "child-exit", code, signal };
    port.postMessage(message);
  });
  const childInit: ChildInit = {
    modules: init.modules,
    tasks: init.tasks,
    spinMicroseconds: init.spinMicroseconds,
    parkMicroseconds: init.parkMicroseconds,
    gcOnIdle: init.gcOnIdle,
    payloadInitialBytes: init.buffers.requestPayload.byteLength,
    payloadMaxByteLength: init.buffers.requestPayload.maxByteLength,
    resourceLimits: data.resourceLimits,
    timeoutGrace: data.timeoutGrace,
    index: Number(/\d+$/.exec(data.name)?.[0] ?? 0),
    entry: data.entry,
  };
  pipe.send(PipeRecord.INIT, 0, 0, childInit);
}

const data = runtime.workerData();
const port = runtime.parentPort();
if (isRelayInit(data) && port !== undefined) start(data, port);
