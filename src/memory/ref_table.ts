/**
 * The encoder's table of the objects met so far in one value, by id (see "Back references" in
 * `tags.ts`). A value's first {@linkcode LINEAR_MAX} objects sit in an array searched with
 * `indexOf`; past that they move into a `Map`.
 *
 * Why not a `Map` from the start: entering an object that was never hashed makes the engine give
 * it an identity hash, and with the table's growth from empty after every `clear` that cost 95-140
 * ns an object on V8 and 50-70 on JavaScriptCore (16-128 fresh objects a value, one thread), where
 * the scans of up to 128 references cost 12-40 ns an object. Most values hold fewer objects.
 *
 * @module
 */

/**
 * Objects a value may hold before the table moves them into a `Map`. At 128 objects a value the
 * scans still cost less than the `Map` on Node 24, Deno and Bun (fresh objects: a third to a
 * half; objects hashed before: 0.35-0.75x); the scans grow with the square of the count, the `Map`
 * linearly.
 */
export const LINEAR_MAX = 128;

/** Ids of objects, counted from 0 in the order they are added. */
export class RefTable {
  /** The object of each id while in array mode; null for an id taken without an object. */
  #list: (object | null)[] = [];
  /** Object to id once past {@linkcode LINEAR_MAX} ids; undefined before. */
  #map: Map<object, number> | undefined = undefined;
  /** Kept across values so that its storage is reused. */
  #spareMap: Map<object, number> | undefined = undefined;
  /** The next id. */
  #next = 0;

  /** The id the next {@linkcode RefTable.add} takes. */
  get next(): number {
    return this.#next;
  }

  /** The id of `o`, or -1 when it has none. */
  find(o: object): number {
    if (this.#map === undefined) return this.#list.indexOf(o);
    const id = this.#map.get(o);
    return id === undefined ? -1 : id;
  }

  /**
   * Takes the next id, for `o` or, when null, for no object that can be found here (a buffer
   * without an entry, or a date: the date table keeps those).
   * @returns The id taken.
   */
  add(o: object | null): number {
    const id = this.#next++;
    const map = this.#map;
    if (map !== undefined) {
      if (o !== null) map.set(o, id);
      return id;
    }
    const list = this.#list;
    list.push(o);
    if (id === LINEAR_MAX) {
      const next = this.#spareMap ?? new Map();
      for (let i = 0; i < list.length; i++) {
        const item = list[i];
        if (item !== null) next.set(item, i);
      }
      list.length = 0;
      this.#map = next;
    }
    return id;
  }

  /** Forgets every object (dropping the references), keeping the storage; ids start at 0 again. */
  clear(): void {
    this.#list.length = 0;
    if (this.#map !== undefined) {
      this.#map.clear();
      this.#spareMap = this.#map;
      this.#map = undefined;
    }
    this.#next = 0;
  }
}
