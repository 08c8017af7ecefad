/**
 * A first-in, first-out queue on a ring whose capacity (a power of two) doubles when full and
 * never shrinks: a stream's queues fill and empty once per window, and an array used as a queue
 * would regrow (and copy) each time, or shift every element on each take.
 *
 * @module
 */

/** A growable ring of values, taken in the order they were put. */
export class Ring<T> {
  #items: (T | undefined)[] = new Array(16);
  #head = 0;
  #count = 0;

  /** Values waiting. */
  get length(): number {
    return this.#count;
  }

  /** Puts `value` last. */
  push(value: T): void {
    if (this.#count === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#count++) & (this.#items.length - 1)] = value;
  }

  /** Takes the first value; the ring must not be empty. */
  shift(): T {
    const items = this.#items;
    const value = items[this.#head] as T;
    // Dropped here so that a taken value can be collected.
    items[this.#head] = undefined;
    this.#head = (this.#head + 1) & (items.length - 1);
    this.#count--;
    return value;
  }

  /** The first value, left in place; the ring must not be empty. */
  first(): T {
    return this.#items[this.#head] as T;
  }

  /** Replaces the first value; the ring must not be empty. */
  replaceFirst(value: T): void {
    this.#items[this.#head] = value;
  }

  /** Drops every value. */
  clear(): void {
    this.#items = new Array(16);
    this.#head = 0;
    this.#count = 0;
  }

  #grow(): void {
    const old = this.#items;
    const items = new Array<T | undefined>(old.length * 2);
    for (let i = 0; i < this.#count; i++) items[i] = old[(this.#head + i) & (old.length - 1)];
    this.#items = items;
    this.#head = 0;
  }
}
