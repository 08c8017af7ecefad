/**
 * The calls a process worker's relay (`relay_entry.ts`) has sent down its child's pipe, by pipe
 * id. The relay's worker loop runs them as it runs any task, through two doors:
 *
 * - a plain call runs a stand-in task, which sends the call and settles with the child's answer;
 *   the child's progress reports reach the stand-in's `ctx.progress`;
 * - a stream call (a generator task, an input stream, a channel) goes to the loop's
 *   `StreamCalls`, which here forward it whole: the request's head goes with the call, every
 *   stream message the host sends (credit, input items, the input's end) goes down the pipe, and
 *   every one the child's task sends (items, progress, input credit and close) goes to the host's
 *   mailbox as it comes. The windows are kept in the child's worker, against the host's own
 *   consumed counts, so what runs ahead of the caller is bounded as on a thread.
 *
 * An abort (the caller's signal, a `break`, an expired timeout) the loop sees aborts the call's
 * signal here, which sends an `ABORT` record. The child answers a stream call only once its
 * worker has ended it (the generator's `finally` has run), so the host's lane is free only then.
 *
 * @module
 */

import { ResponseStatus } from "../memory/layout.ts";
import { PipeRecord } from "../memory/pipe_codec.ts";
import type { StreamHead } from "../memory/stream_head.ts";
import type { StreamCalls, StreamCallsFactory, StreamHost } from "./stream_runner.ts";
import type { AbortSource, TaskContext } from "./task_context.ts";

/** Where records to the child go. */
export interface PipeOut {
  /** @throws {TypeError} When the value cannot cross. */
  send(kind: number, a: number, b: number, value: unknown): void;
}

/** A call the child has not answered yet. */
interface Sent {
  /** A stream message of the call (a `ResponseStatus`) from the child. */
  message(status: number, value: unknown): void;
  /** The child's answer. */
  answer(failed: boolean, value: unknown): void;
}

type StandIn = (arg: unknown, ctx: TaskContext) => Promise<unknown>;

/** The relay's calls in the child. Single owner: the relay thread. */
export class RelayCalls {
  readonly #pipe: PipeOut;
  readonly #sent = new Map<number, Sent>();
  /** Task indices, by stand-in function: how a stream call names its task to the child. */
  readonly #tasks = new Map<unknown, number>();
  #next = 0;

  constructor(pipe: PipeOut) {
    this.#pipe = pipe;
  }

  /** The stand-in task for task `index`. */
  standIn(index: number): StandIn {
    const f: StandIn = (arg, ctx) =>
      new Promise((resolve, reject) => {
        const id = this.send(index, arg, {
          message: (status, value) => {
            if (status !== ResponseStatus.PROGRESS) return;
            try {
              ctx.progress(value);
            } catch {
              // It came through the pipe's codec, so it crosses; a late report has no call.
            }
          },
          answer: (failed, value) => failed ? reject(value) : resolve(value),
        });
        this.watch(id, ctx.signal);
      });
    this.#tasks.set(f, index);
    return f;
  }

  /** The worker loop's stream calls (`WorkerLoopOptions.streams`). */
  readonly streams: StreamCallsFactory = (host, aborts) => new ForwardedStreams(this, host, aborts);

  /** The task index of stand-in `f`. */
  taskOf(f: unknown): number {
    return this.#tasks.get(f) ?? -1;
  }

  /** A record from the child: true when it was an answer or a stream message. */
  record(kind: number, a: number, b: number, value: unknown): boolean {
    if (kind === PipeRecord.STREAM) {
      this.#sent.get(a)?.message(b, value);
      return true;
    }
    if (kind !== PipeRecord.ANSWER) return false;
    const call = this.#sent.get(a);
    if (call === undefined) return true;
    this.#sent.delete(a);
    call.answer(b !== 0, value);
    return true;
  }

  /**
   * Sends call `arg` (a `StreamHead` for a stream call) of task `index`.
   * @returns Its pipe id.
   * @throws {TypeError} When the argument cannot cross.
   */
  send(index: number, arg: unknown, sent: Sent): number {
    const id = this.#next;
    this.#pipe.send(PipeRecord.CALL, id, index, arg);
    this.#next = (this.#next + 1) >>> 0;
    this.#sent.set(id, sent);
    return id;
  }

  /**
   * Sends a stream message (a `StreamControl` kind) of call `id`, unless it has been answered.
   * @throws {TypeError} When the value cannot cross.
   */
  control(id: number, kind: number, value: unknown): void {
    if (this.#sent.has(id)) this.#pipe.send(PipeRecord.STREAM, id, kind, value);
  }

  /** Tells the child when `signal` aborts, unless call `id` has been answered by then. */
  watch(id: number, signal: AbortSignal): void {
    const abort = () => this.abort(id, (signal.reason as Error)?.name === "TimeoutError");
    if (signal.aborted) abort();
    else signal.addEventListener("abort", abort, { once: true });
  }

  /** Gives up on call `id` in the child (as its timeout when `timedOut`). */
  abort(id: number, timedOut: boolean): void {
    if (this.#sent.has(id)) this.#pipe.send(PipeRecord.ABORT, id, timedOut ? 1 : 0, undefined);
  }
}

/** One forwarded stream call. */
class Forwarded implements Sent {
  readonly #calls: RelayCalls;
  readonly #host: StreamHost;
  /** The loop's id of the call, and its pipe id. */
  readonly id: number;
  pipeId = -1;
  /** A message that could not cross: the call fails with it once the child has ended it. */
  #failure: { error: unknown } | undefined;
  readonly #done: (id: number) => void;

  constructor(calls: RelayCalls, host: StreamHost, id: number, done: (id: number) => void) {
    this.#calls = calls;
    this.#host = host;
    this.id = id;
    this.#done = done;
  }

  message(status: number, value: unknown): void {
    if (this.#failure !== undefined) return;
    try {
      this.#host.message(this.id, status, value);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A stream message from the host, down the pipe. */
  control(kind: number, value: unknown): void {
    if (this.#failure !== undefined) return;
    try {
      this.#calls.control(this.pipeId, kind, value);
    } catch (error) {
      this.fail(error);
    }
  }

  answer(failed: boolean, value: unknown): void {
    this.#done(this.id);
    if (this.#failure !== undefined) {
      this.#host.settled(this.id, ResponseStatus.ERROR, this.#failure.error);
    } else this.#host.settled(this.id, failed ? ResponseStatus.ERROR : ResponseStatus.OK, value);
  }

  /** Ends the call in the child; it fails with `error` when the child answers. */
  fail(error: unknown): void {
    this.#failure = { error };
    this.#calls.abort(this.pipeId, false);
  }
}

/** The worker loop's stream calls, each one forwarded to the child. */
class ForwardedStreams implements StreamCalls {
  readonly #calls: RelayCalls;
  readonly #host: StreamHost;
  readonly #aborts: AbortSource;
  /** The stream calls running, by the loop's call id. */
  readonly #running = new Map<number, Forwarded>();
  readonly #done = (id: number) => this.#running.delete(id);

  constructor(calls: RelayCalls, host: StreamHost, aborts: AbortSource) {
    this.#calls = calls;
    this.#host = host;
    this.#aborts = aborts;
  }

  start(id: number, f: unknown, head: StreamHead): void {
    const call = new Forwarded(this.#calls, this.#host, id, this.#done);
    try {
      call.pipeId = this.#calls.send(this.#calls.taskOf(f), head, call);
    } catch (err) {
      // The argument cannot cross to the child.
      this.#host.settled(id, ResponseStatus.ERROR, err);
      return;
    }
    this.#running.set(id, call);
    this.#calls.watch(call.pipeId, this.#aborts.signalFor(id));
  }

  control(id: number, kind: number, value: unknown): void {
    this.#running.get(id)?.control(kind, value);
  }

  /** None: a forwarded stream's items come from the child through this thread's event loop. */
  held(): number {
    return 0;
  }
}
