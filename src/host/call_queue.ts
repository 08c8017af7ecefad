/**
 * The host queue: calls that found no mailbox space, in the order they were made, each with its
 * encoded argument. Invariant: only entries from `#head` onwards are live; the array is dropped
 * and started afresh whenever it empties, so it never grows past the longest backlog.
 *
 * @module
 */

import type { PendingCall } from "./call_table.ts";

/** Calls waiting for mailbox space, oldest first. */
export class CallQueue {
  #calls: PendingCall[] = [];
  #ids: number[] = [];
  #head = 0;

  /** Calls waiting. */
  get size(): number {
    return this.#calls.length - this.#head;
  }

  /** Adds a call at the back. */
  push(id: number, call: PendingCall): void {
    this.#calls.push(call);
    this.#ids.push(id);
  }

  /** Puts calls in front of everything waiting, in the order given. */
  pushFront(entries: readonly { id: number; call: PendingCall }[]): void {
    this.#calls = [...entries.map((e) => e.call), ...this.#calls.slice(this.#head)];
    this.#ids = [...entries.map((e) => e.id), ...this.#ids.slice(this.#head)];
    this.#head = 0;
  }

  /** The oldest call, or undefined when none waits. */
  peek(): PendingCall | undefined {
    return this.#calls[this.#head];
  }

  /** The id of the oldest call. */
  peekId(): number {
    return this.#ids[this.#head];
  }

  /** Drops the oldest call. */
  shift(): void {
    if (++this.#head === this.#calls.length) this.clear();
  }

  /** Takes `call` out of the queue, wherever it is. */
  remove(call: PendingCall): void {
    const at = this.#calls.indexOf(call, this.#head);
    if (at < 0) return;
    this.#calls.splice(at, 1);
    this.#ids.splice(at, 1);
    if (this.#head === this.#calls.length) this.clear();
  }

  /** Forgets every call. */
  clear(): void {
    this.#calls = [];
    this.#ids = [];
    this.#head = 0;
  }
}
