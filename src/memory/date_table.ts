/**
 * The encoder's table of the `Date`s met so far in one value, with the id each took (ids are
 * shared with `ref_table.ts`: see "Back references" in `tags.ts`). It finds a date by its time
 * value in an open-addressed table of typed arrays, then by identity, so it never asks the engine
 * for an object's identity hash.
 *
 * Why a table of its own: two references to one `Date` have the same time value, so a table
 * keyed by time finds every repeat, and a lookup costs a hash of eight bytes. In the general
 * table an array of 32,768 dates cost 120 ns a date on Node 24 (two thirds of it in `Map.set`,
 * growing from empty after every clear), more than `structuredClone`'s whole round trip.
 *
 * Invariant: the probe table holds at most one entry per time value. A second date with the
 * same time (a different object, since the first was not it) goes into `#sameTime`, a `Map`,
 * so many dates of one time (invalid dates are all NaN) cost a map entry each, never a longer
 * probe.
 *
 * @module
 */

/** Probe slots at first; the table doubles when half full, and keeps its size across values. */
const INITIAL_SLOTS = 64;
/**
 * Probe slots kept across values at most (1 MiB of slots, 2 MiB of entries): a table grown past
 * this for one huge value starts small again, so that it does not hold the memory for ever.
 */
const KEPT_SLOTS_MAX = 1 << 18;

/** Reinterprets a time value's bits for hashing. */
const timeBits = new Float64Array(1);
const timeWords = new Int32Array(timeBits.buffer);

/** A slot for `time` in a table of `mask + 1` slots. */
function slotOf(time: number, mask: number): number {
  timeBits[0] = time;
  // A multiply-xorshift mix of both words: dates a minute or a day apart differ in middle bits.
  let h = Math.imul(timeWords[0] ^ Math.imul(timeWords[1], 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  return h & mask;
}

/** True when two time values are the same (NaN, the invalid date's, equals itself). */
function sameTime(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Dates by time value and identity, with their ids; reused across values. */
export class DateTable {
  /** Entry index + 1 for each probe slot; 0 is empty. */
  #slots = new Int32Array(INITIAL_SLOTS);
  /** Per entry: the date, its time, its id and its slot (to empty only the slots in use). */
  #dates: (Date | undefined)[] = new Array(INITIAL_SLOTS / 2).fill(undefined);
  #times = new Float64Array(INITIAL_SLOTS / 2);
  #ids = new Int32Array(INITIAL_SLOTS / 2);
  #slotOfEntry = new Int32Array(INITIAL_SLOTS / 2);
  #count = 0;
  /** Dates whose time an earlier, different date already has in the probe table. */
  #sameTime: Map<Date, number> | undefined = undefined;

  /**
   * The id of `date`, whose time value is `time`; or, when it has none, -1, having entered it
   * under `id` (the id its caller takes for it next). One probe for both.
   */
  findOrAdd(date: Date, time: number, id: number): number {
    if ((this.#count + 1) * 2 > this.#slots.length) this.#grow();
    const slots = this.#slots;
    const mask = slots.length - 1;
    let s = slotOf(time, mask);
    for (;; s = (s + 1) & mask) {
      const entry = slots[s] - 1;
      if (entry === -1) break;
      if (sameTime(this.#times[entry], time)) {
        if (this.#dates[entry] === date) return this.#ids[entry];
        const sameTime = (this.#sameTime ??= new Map());
        const seen = sameTime.get(date);
        if (seen !== undefined) return seen;
        sameTime.set(date, id);
        return -1;
      }
    }
    const entry = this.#count++;
    slots[s] = entry + 1;
    // Stored by index into storage kept across values: a push would grow it again each time.
    this.#dates[entry] = date;
    this.#times[entry] = time;
    this.#ids[entry] = id;
    this.#slotOfEntry[entry] = s;
    return -1;
  }

  /** Forgets every date (dropping the references), keeping the storage. */
  clear(): void {
    const slots = this.#slots;
    const dates = this.#dates;
    for (let i = 0; i < this.#count; i++) {
      slots[this.#slotOfEntry[i]] = 0;
      dates[i] = undefined;
    }
    this.#count = 0;
    this.#sameTime?.clear();
    if (slots.length > KEPT_SLOTS_MAX) {
      this.#slots = new Int32Array(INITIAL_SLOTS);
      this.#dates = new Array(INITIAL_SLOTS / 2).fill(undefined);
      this.#times = new Float64Array(INITIAL_SLOTS / 2);
      this.#ids = new Int32Array(INITIAL_SLOTS / 2);
      this.#slotOfEntry = new Int32Array(INITIAL_SLOTS / 2);
    }
  }

  /** Doubles the probe table and the entry arrays, re-entering every entry. */
  #grow(): void {
    const size = this.#slots.length * 2;
    const slots = new Int32Array(size);
    const mask = size - 1;
    const times = new Float64Array(size / 2);
    times.set(this.#times);
    const ids = new Int32Array(size / 2);
    ids.set(this.#ids);
    const slotOfEntry = new Int32Array(size / 2);
    const dates = this.#dates;
    for (let i = dates.length; i < size / 2; i++) dates.push(undefined);
    for (let entry = 0; entry < this.#count; entry++) {
      let s = slotOf(times[entry], mask);
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = entry + 1;
      slotOfEntry[entry] = s;
    }
    this.#slots = slots;
    this.#times = times;
    this.#ids = ids;
    this.#slotOfEntry = slotOfEntry;
  }
}
