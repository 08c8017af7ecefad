/**
 * Per-call abort state in the worker: which calls the host has given up on (read from the abort
 * ring), and the `AbortController` behind each `ctx.signal` that a task asked for.
 *
 * Ids are reused once a call settles, and the host reuses an abandoned call's id only after the
 * worker has read its notice; so a notice about a call that is neither running here nor waiting in
 * the mailbox concerns a call that already ended, and is dropped.
 *
 * @module
 */

import type { WorkerLink } from "../transport/link.ts";
import { abortReason, type AbortSource } from "./task_context.ts";

/** Abort bookkeeping of one worker loop. */
export class CallAborts implements AbortSource {
  readonly #link: WorkerLink;
  /** Call running synchronously right now, or -1. */
  current = -1;
  /** Async calls started and not yet settled. */
  readonly running = new Set<number>();
  /** Calls given up on (true: by timeout) that are still pending or running here. */
  readonly #abandoned = new Map<number, boolean>();
  readonly #controllers = new Map<number, AbortController>();
  readonly #onNotice = (id: number, timedOut: boolean) => this.#notice(id, timedOut);

  constructor(link: WorkerLink) {
    this.#link = link;
  }

  /** Reads the notices published since the last poll. */
  poll(): void {
    this.#link.aborts.poll(this.#onNotice);
  }

  /** True when call `id` was given up on (as far as polled). */
  abandoned(id: number): boolean {
    // Asked once per call: most calls are never given up on, and a size check skips the hash.
    return this.#abandoned.size > 0 && this.#abandoned.has(id);
  }

  /** AbortSource: reads new notices; true when call `id` was given up on. */
  isAborted(id: number): boolean {
    this.poll();
    return this.#abandoned.has(id);
  }

  /** AbortSource: the signal of call `id`. */
  signalFor(id: number): AbortSignal {
    const controller = new AbortController();
    this.poll();
    const timedOut = this.#abandoned.get(id);
    if (timedOut !== undefined) controller.abort(abortReason(timedOut));
    else this.#controllers.set(id, controller);
    return controller.signal;
  }

  /** Forgets the state of a call that has ended. */
  ended(id: number): void {
    if (this.#abandoned.size > 0) this.#abandoned.delete(id);
    if (this.#controllers.size > 0) this.#controllers.delete(id);
  }

  #notice(id: number, timedOut: boolean): void {
    if (id !== this.current && !this.running.has(id) && !this.#link.requests.holds(id)) return;
    this.#abandoned.set(id, timedOut);
    const controller = this.#controllers.get(id);
    if (controller !== undefined) {
      this.#controllers.delete(id);
      controller.abort(abortReason(timedOut));
    }
  }
}
