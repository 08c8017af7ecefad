/**
 * One call in a process worker's child (see `child_entry.ts`), as its pool's `StreamSink`: the
 * stream messages the task sends (items, progress, input credit and close) go up the pipe as
 * they come, and those the host sends come down to the task's worker (`control`). Every call the
 * child makes has one, so a plain call's progress reports reach the host too.
 *
 * A stream call is answered only once it has ended in the worker, not when it settled here: a
 * cancelled stream settles at once, and its generator's `finally` runs after; the host frees the
 * worker's lane on the answer.
 *
 * @module
 */

import type { Dispatcher } from "../host/dispatcher.ts";
import type { PendingCall, StreamSink } from "../host/call_table.ts";
import { ResponseStatus } from "../memory/layout.ts";
import type { PackedNumbers } from "../memory/number_pack.ts";
import { UNREADABLE_MESSAGE } from "../host/lane.ts";

/** The outcome of a call already answered. */
const DONE = { failed: false, value: undefined };

/** Where the child's records go. */
export interface ChildPipe {
  /** A stream message of call `id` (a `ResponseStatus`). */
  message(id: number, status: number, value: unknown): void;
  /** The answer of call `id`. */
  answer(id: number, failed: boolean, value: unknown): void;
}

/** The sink of pipe call `id`. */
export class ChildSink implements StreamSink {
  readonly #pipe: ChildPipe;
  readonly #dispatcher: Dispatcher;
  readonly #id: number;
  readonly #stream: boolean;
  #callId = -1;
  #call: PendingCall | undefined;
  #ended = false;
  #outcome: { failed: boolean; value: unknown } | undefined;

  /** @param stream True for a stream call, answered once it has ended in the worker. */
  constructor(pipe: ChildPipe, dispatcher: Dispatcher, id: number, stream: boolean) {
    this.#pipe = pipe;
    this.#dispatcher = dispatcher;
    this.#id = id;
    this.#stream = stream;
  }

  attach(id: number, call: PendingCall): void {
    this.#callId = id;
    this.#call = call;
  }

  message(status: number, value: unknown): void {
    // A message the pool could not read fails the call, as on any host.
    if (status === UNREADABLE_MESSAGE) this.fail(value);
    else this.#pipe.message(this.#id, status, value);
  }

  numbers(numbers: PackedNumbers): void {
    for (let k = 0; k < numbers.count; k++) {
      this.#pipe.message(this.#id, ResponseStatus.YIELD, numbers.value(k));
    }
  }

  ended(): void {
    this.#ended = true;
    this.#answer();
  }

  /** The call's promise settled. */
  settled(failed: boolean, value: unknown): void {
    this.#outcome = { failed, value };
    // A call refused before it was made never ends in a worker.
    if (this.#call === undefined) this.#ended = true;
    this.#answer();
  }

  /** A stream message from the host (a `StreamControl` kind), for the task's worker. */
  control(kind: number, value: unknown): void {
    if (this.#call === undefined) return;
    try {
      this.#dispatcher.control(this.#callId, this.#call, kind, value);
    } catch (err) {
      // It came through the pipe's codec, so it crosses; should it not, the call fails with why.
      this.fail(err);
    }
  }

  /** Fails the call with `error` and stops its task. */
  fail(error: unknown): void {
    if (this.#call !== undefined) this.#dispatcher.giveUp(this.#callId, this.#call, false, error);
  }

  #answer(): void {
    const outcome = this.#outcome;
    if (outcome === undefined || (this.#stream && !this.#ended)) return;
    // Once: a plain call's sink may still hear that it ended.
    this.#outcome = DONE;
    if (outcome === DONE) return;
    this.#pipe.answer(this.#id, outcome.failed, outcome.value);
  }
}
