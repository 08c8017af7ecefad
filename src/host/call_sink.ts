/**
 * Where one call's stream messages go on the host: yielded items to the call's output stream,
 * progress values to its `onProgress`, input credit and close to its input feed. It is the
 * dispatcher's `StreamSink` for the call, and the one place that knows how to reach the call back
 * (credit, input, cancel) once the dispatcher has given it its id.
 *
 * @module
 */

import { ResponseStatus } from "../memory/layout.ts";
import type { PackedNumbers } from "../memory/number_pack.ts";
import type { PendingCall, StreamSink } from "./call_table.ts";
import type { InputFeed } from "./input_feed.ts";
import type { CallStream } from "./stream_call.ts";

/** What a sink asks of the dispatcher. */
export interface SinkDispatcher {
  control(id: number, call: PendingCall, kind: number, value: unknown): void;
  giveUp(id: number, call: PendingCall, ok: boolean, value: unknown): void;
  poll(id: number, call: PendingCall): void;
}

/** The stream messages of one call. */
export class CallSink implements StreamSink {
  readonly #dispatcher: SinkDispatcher;
  #id = -1;
  #call: PendingCall | undefined;
  /** The call's output, for a generator task. */
  output: CallStream<unknown, unknown> | undefined;
  /** The call's input, if it has one. */
  input: InputFeed | undefined;
  /** The caller's progress callback. */
  onProgress: ((value: unknown) => void) | undefined;
  /** Called once when the call has ended. */
  onEnded: (() => void) | undefined;
  #ended = false;

  constructor(dispatcher: SinkDispatcher) {
    this.#dispatcher = dispatcher;
  }

  /** True once the dispatcher made the call. */
  get attached(): boolean {
    return this.#call !== undefined;
  }

  /** The dispatcher made the call: this is its id. */
  attach(id: number, call: PendingCall): void {
    this.#id = id;
    this.#call = call;
  }

  /**
   * Sends a stream message to the call's worker.
   * @throws {TypeError | RangeError} When the value cannot cross.
   */
  control(kind: number, value: unknown): void {
    if (this.#call !== undefined) this.#dispatcher.control(this.#id, this.#call, kind, value);
  }

  /** Reads what the call's worker has published by now (see `Lane.poll`). */
  poll(): void {
    if (this.#call !== undefined) this.#dispatcher.poll(this.#id, this.#call);
  }

  /** Settles the call now (if it is not yet) and stops its task. */
  giveUp(ok: boolean, value: unknown): void {
    if (this.#call !== undefined) this.#dispatcher.giveUp(this.#id, this.#call, ok, value);
    else this.ended();
  }

  message(status: number, value: unknown, bytes: number): void {
    switch (status) {
      case ResponseStatus.YIELD:
        this.output?.item(value, bytes);
        return;
      case ResponseStatus.PROGRESS:
        this.#progress(value);
        return;
      case ResponseStatus.INPUT_CREDIT:
        this.input?.credit(value as number);
        return;
      case ResponseStatus.INPUT_CLOSED:
        this.input?.stop();
        return;
      default:
        // A message that could not be read (`UNREADABLE_MESSAGE`): the call fails with why.
        this.giveUp(false, value);
    }
  }

  /** A packed slot of numbers the generator yielded: each is an item, in order. */
  numbers(numbers: PackedNumbers): void {
    this.output?.numbers(numbers);
  }

  ended(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onEnded?.();
    this.input?.stop();
    this.output?.ended();
  }

  #progress(value: unknown): void {
    const onProgress = this.onProgress;
    if (onProgress === undefined) return;
    try {
      onProgress(value);
    } catch (err) {
      // The caller's callback failed: its call fails with that error, and the task is stopped.
      this.giveUp(false, err);
    }
  }
}
