/**
 * The encoded sizes of a stream's items in the window, in order, kept as runs of equal sizes: both
 * ends of a stream count each item's bytes against the window, and a stream of packed numbers is
 * one run of 4s or 8s, so a push, a shift or a credit of many items costs no more than one
 * (callgrind, a stream of numbers on Node 24: the worker's credit took 51 instructions per item
 * shifting one size at a time).
 *
 * @module
 */

import { Ring } from "./ring.ts";

/** A first-in, first-out queue of sizes, stored as (size, count) runs. */
export class SizeRuns {
  /** Each run's size, and how many items of it remain, in the same order. */
  readonly #sizes = new Ring<number>();
  readonly #counts = new Ring<number>();
  /** The last run's size and count, not yet in the rings (its count is 0 when there is none). */
  #lastSize = 0;
  #lastCount = 0;
  /** Items in all runs. */
  #length = 0;

  /** Sizes waiting. */
  get length(): number {
    return this.#length;
  }

  /** Puts `size` last. */
  push(size: number): void {
    this.pushRun(size, 1);
  }

  /** Puts `count` sizes of `size` last (`count` at least 1). */
  pushRun(size: number, count: number): void {
    this.#length += count;
    if (this.#lastCount > 0 && size === this.#lastSize) {
      this.#lastCount += count;
      return;
    }
    if (this.#lastCount > 0) {
      this.#sizes.push(this.#lastSize);
      this.#counts.push(this.#lastCount);
    }
    this.#lastSize = size;
    this.#lastCount = count;
  }

  /** Takes the first size; the queue must not be empty. */
  shift(): number {
    this.#length--;
    if (this.#sizes.length === 0) {
      this.#lastCount--;
      return this.#lastSize;
    }
    const size = this.#sizes.first();
    const left = this.#counts.first() - 1;
    if (left > 0) this.#counts.replaceFirst(left);
    else this.#dropFirst();
    return size;
  }

  /** Takes the first `n` sizes (at most `length`) and returns their sum. */
  take(n: number): number {
    let sum = 0;
    this.#length -= n;
    while (n > 0 && this.#sizes.length > 0) {
      const size = this.#sizes.first();
      const count = this.#counts.first();
      if (count > n) {
        this.#counts.replaceFirst(count - n);
        return sum + size * n;
      }
      this.#dropFirst();
      sum += size * count;
      n -= count;
    }
    this.#lastCount -= n;
    return sum + this.#lastSize * n;
  }

  /** Drops every size. */
  clear(): void {
    this.#sizes.clear();
    this.#counts.clear();
    this.#lastCount = 0;
    this.#length = 0;
  }

  #dropFirst(): void {
    this.#sizes.shift();
    this.#counts.shift();
  }
}
