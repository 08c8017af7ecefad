/**
 * Calls that have been made and not yet settled, by id. Ids are small integers reused after a
 * call settles, so the table stays a dense array; each id is settled at most once because
 * {@linkcode CallTable.take} removes it.
 *
 * @module
 */

/** One unsettled call. */
export interface PendingCall {
  resolve(value: unknown): void;
  reject(reason: unknown): void;
  /** Task index. */
  task: number;
  /** Lane the call was written to, or -1 while it waits in the host queue. */
  lane: number;
}

/** Unsettled calls by id. */
export class CallTable {
  #calls: (PendingCall | undefined)[] = [];
  #free: number[] = [];
  #size = 0;

  /** Calls not yet settled. */
  get size(): number {
    return this.#size;
  }

  /** Adds a call and returns its id. */
  add(call: PendingCall): number {
    const id = this.#free.length > 0 ? this.#free.pop()! : this.#calls.length;
    this.#calls[id] = call;
    this.#size++;
    return id;
  }

  /** The call with this id, still in the table. */
  get(id: number): PendingCall | undefined {
    return this.#calls[id];
  }

  /** Removes and returns the call with this id (undefined if it was settled already). */
  take(id: number): PendingCall | undefined {
    const call = this.#calls[id];
    if (call === undefined) return undefined;
    this.#calls[id] = undefined;
    this.#free.push(id);
    this.#size--;
    return call;
  }

  /** Ids of the calls for which `match` is true. */
  ids(match: (call: PendingCall) => boolean): number[] {
    const out: number[] = [];
    this.#calls.forEach((call, id) => {
      if (call !== undefined && match(call)) out.push(id);
    });
    return out;
  }
}
