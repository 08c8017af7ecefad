/**
 * The main module of a process worker's child (see `src/runtime/process_worker.ts`). Its main
 * thread is a small weft host: a pool of one worker thread, which imports the task modules and
 * runs the tasks with weft's ordinary worker loop. The main thread itself never imports them; it
 * reads calls from its standard input, makes them on its pool, and writes each answer up file
 * descriptor 3, all the records of one turn in one write. Stream calls are made with their
 * head, and their stream messages go both ways as records of their own (`child_sink.ts`).
 *
 * The host owns the clocks: a call whose timeout expired there comes as an abort whose reason is
 * a `TimeoutError`, which this pool treats as its own timeout (it ends its thread when the task
 * does not stop within `timeoutGrace`, from the task's own start stamp). A thread that dies is
 * replaced here, as on a thread pool, and the host is told so it counts the respawn.
 *
 * The child's life is its parent's: it exits when its standard input ends (the parent is gone,
 * or ended the worker), and when its first thread dies before it was ready (a failed start,
 * which the host counts), after writing what it has.
 *
 * @module
 */

import { WorkerCrashedError } from "../errors.ts";
import { Dispatcher } from "../host/dispatcher.ts";
import { registerWeftErrors } from "../memory/error_classes.ts";
import { FrameReader, FrameWriter, PipeRecord } from "../memory/pipe_codec.ts";
import { StreamHead } from "../memory/stream_head.ts";
import type { Runtime, WorkerHandle } from "../runtime/adapter.ts";
import { type ParentPipe, parentPipe } from "../runtime/child_process.ts";
import { runtime } from "../runtime/detect.ts";
import type { ChildInit, WorkerMessage } from "../worker/init.ts";
import { type ChildPipe, ChildSink } from "./child_sink.ts";

/** Why a call aborts in the child: the same names the host's worker would see. */
function abortReason(timedOut: boolean): DOMException {
  return timedOut
    ? new DOMException("The call's timeout expired", "TimeoutError")
    : new DOMException("The call was aborted by the caller", "AbortError");
}

class Child {
  readonly #pipe: ParentPipe;
  readonly #frames = new FrameWriter();
  #scheduled = false;
  #dispatcher: Dispatcher | undefined;
  /** The calls not answered yet, by pipe id. */
  readonly #calls = new Map<number, { controller: AbortController; sink: ChildSink }>();
  /** Where the calls' sinks send their records. */
  readonly #out: ChildPipe = {
    message: (id, status, value) => {
      try {
        this.#frames.add(PipeRecord.STREAM, id, status, value);
      } catch (err) {
        // Crossed to this process but cannot cross the pipe (a SharedArrayBuffer): the call fails.
        this.#calls.get(id)?.sink.fail(err);
        return;
      }
      this.#schedule();
    },
    answer: (id, failed, value) => this.#answer(id, failed ? 1 : 0, value),
  };
  /** Set once the first thread was ready (later ones are its replacements). */
  #ready = false;
  /** The worker's index in the host's pool. */
  #index = 0;
  /** Set once this process is about to exit. */
  #exiting = false;
  readonly #flush = () => {
    this.#scheduled = false;
    if (this.#frames.size > 0) this.#pipe.write(this.#frames.take());
  };

  constructor(pipe: ParentPipe) {
    this.#pipe = pipe;
  }

  record(kind: number, a: number, b: number, value: unknown): void {
    if (kind === PipeRecord.CALL) this.#call(a, b, value);
    else if (kind === PipeRecord.STREAM) this.#calls.get(a)?.sink.control(b, value);
    else if (kind === PipeRecord.ABORT) this.#calls.get(a)?.controller.abort(abortReason(b === 1));
    else if (kind === PipeRecord.INIT) this.#start(value as ChildInit);
  }

  #send(kind: number, a: number, b: number, value: unknown): void {
    try {
      this.#frames.add(kind, a, b, value);
    } catch (err) {
      // A result that cannot cross fails its call; an error that cannot, its message stands in.
      const next = b === 0 ? err : new Error(String((value as Error)?.message ?? value));
      this.#frames.add(kind, a, 1, next);
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flush);
  }

  /** Makes call `id` of task `task`; `arg` is its `StreamHead` for a stream call. */
  #call(id: number, task: number, arg: unknown): void {
    const controller = new AbortController();
    const dispatcher = this.#dispatcher!;
    const stream = arg instanceof StreamHead;
    const sink = new ChildSink(this.#out, dispatcher, id, stream);
    this.#calls.set(id, { controller, sink });
    const options = { signal: controller.signal };
    const result = stream
      ? dispatcher.call(task, arg.arg, options, sink, arg)
      : dispatcher.call(task, arg, options, sink);
    result.then(
      (value) => sink.settled(false, value),
      (err) => sink.settled(true, err),
    );
  }

  #answer(id: number, failed: number, value: unknown): void {
    this.#calls.delete(id);
    // The child's pool has one worker, number 0; the host's pool knows this one by its index.
    if (value instanceof WorkerCrashedError && this.#index !== 0) {
      value.message = value.message.replace(/\bworker 0\b/, `worker ${this.#index}`);
    }
    this.#send(PipeRecord.ANSWER, id, failed, value);
  }

  #start(init: ChildInit): void {
    this.#index = init.index;
    const watched: Runtime = {
      ...runtime,
      spawn: (url, options) => this.#watch(runtime.spawn(url, options)),
    };
    this.#dispatcher = new Dispatcher({
      runtime: watched,
      entryUrl: new URL(init.entry),
      threads: 1,
      modules: init.modules,
      tasks: init.tasks,
      timeouts: init.tasks.map(() => 0),
      payload: {
        payloadInitialBytes: init.payloadInitialBytes,
        payloadMaxByteLength: init.payloadMaxByteLength,
      },
      spinMicroseconds: init.spinMicroseconds,
      parkMicroseconds: init.parkMicroseconds,
      gcOnIdle: init.gcOnIdle,
      hostSpinMicroseconds: 0,
      maxQueue: Infinity,
      balancer: "leastBusy",
      timeoutGrace: init.timeoutGrace,
      resourceLimits: init.resourceLimits,
      timeoutsAsAborts: true,
    });
  }

  /**
   * The worker thread's handle, with its start and its death reported up the pipe. A thread
   * that dies after it was ready is replaced by the pool, as on the host (the calls it had
   * started fail, the others run on its successor); one that dies before ends this process,
   * which the host counts as a failed start.
   */
  #watch(handle: WorkerHandle): WorkerHandle {
    let ready = false;
    let dead = false;
    const died = (code: number, why: string | undefined) => {
      if (dead) return;
      dead = true;
      if (ready) this.#send(PipeRecord.RESPAWNED, 0, 0, undefined);
      else this.#exit(code === 0 ? 1 : code, why);
    };
    return {
      ...bind(handle),
      onMessage: (listener) =>
        handle.onMessage((message) => {
          const m = message as WorkerMessage;
          if (m.type === "ready") {
            ready = true;
            if (!this.#ready) this.#send(PipeRecord.READY, 0, 0, undefined);
            this.#ready = true;
          } else if (m.type === "boot-error") this.#send(PipeRecord.BOOT_ERROR, 0, 0, m);
          listener(message);
        }),
      onError: (listener) =>
        handle.onError((error) => {
          listener(error);
          died(1, `${(error as Error)?.stack ?? error}\n`);
        }),
      onExit: (listener) =>
        handle.onExit((code) => {
          listener(code);
          died(code, undefined);
        }),
    };
  }

  /** Ends this process once the answers already settled have gone up the pipe. */
  #exit(code: number, why: string | undefined): void {
    if (this.#exiting) return;
    this.#exiting = true;
    // Answers the pool drained from the dead thread settle in microtasks: let them go first.
    runtime.macrotask(() => {
      this.#flush();
      this.#pipe.exit(code, why);
    });
  }
}

/** `handle`'s methods, bound to it, so a copy can replace some of them. */
function bind(handle: WorkerHandle): WorkerHandle {
  return {
    postData: (message, transfer) => handle.postData(message, transfer),
    onData: (listener) => handle.onData(listener),
    receiveData: () => handle.receiveData(),
    postMessage: (message, transfer) => handle.postMessage(message, transfer),
    onMessage: (listener) => handle.onMessage(listener),
    onError: (listener) => handle.onError(listener),
    onExit: (listener) => handle.onExit(listener),
    ref: () => handle.ref(),
    unref: () => handle.unref(),
    terminate: () => handle.terminate(),
  };
}

registerWeftErrors();
const pipe = parentPipe();
const child = new Child(pipe);
const reader = new FrameReader();
pipe.onData((chunk) => reader.push(chunk, (kind, a, b, value) => child.record(kind, a, b, value)));
// The parent is gone, or has ended this worker: nothing is left to answer.
pipe.onEnd(() => pipe.exit(0));
