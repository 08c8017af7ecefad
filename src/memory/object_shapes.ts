/**
 * Fills decoded plain objects. Setting properties one by one under computed keys makes an engine
 * take its slow, generic path for every property it adds (about 250 ns each on V8). Objects that
 * cross a pool are mostly of a few shapes, sent call after call, so once a sequence of keys has
 * been seen twice this compiles a small function that sets exactly those keys, in that order,
 * with named stores, which the engine caches like the stores of an object literal.
 *
 * Shapes live in a tree keyed by property name, so finding one costs a map lookup per key and no
 * string building. At most `MAX_SHAPES` tree nodes are kept, and objects with more than
 * `MAX_FIELDS` keys, or with a `__proto__` key, always take the generic path. Where the runtime
 * forbids generating code from strings, the first attempt fails and every object takes the
 * generic path from then on.
 *
 * @module
 */

type Fill = (target: object, values: unknown[]) => void;

interface Shape {
  /** The shapes that add one more key. */
  readonly next: Map<string, Shape>;
  /** Objects of exactly this shape filled so far, up to `COMPILE_AFTER`. */
  seen: number;
  /** The compiled filler; null when this shape cannot have one. */
  fill: Fill | null | undefined;
}

const COMPILE_AFTER = 2;
const MAX_SHAPES = 4096;
/** Keys an object may have for a compiled filler; objects with more are filled key by key. */
export const MAX_FIELDS = 64;

const root: Shape = { next: new Map(), seen: 0, fill: null };
let shapes = 0;
let canCompile = true;

/**
 * Gives `target` the own enumerable data properties `keys[i]: values[i]` for i < n, in order, as
 * assignment would, except that a `__proto__` key becomes an own property (as with
 * `structuredClone`).
 */
export function fillObject(target: object, keys: string[], values: unknown[], n: number): void {
  const shape = n <= MAX_FIELDS && canCompile ? shapeOf(keys, n) : undefined;
  if (shape !== undefined) {
    if (shape.fill === undefined && ++shape.seen >= COMPILE_AFTER) shape.fill = compile(keys, n);
    if (shape.fill) {
      shape.fill(target, values);
      return;
    }
  }
  for (let i = 0; i < n; i++) setField(target, keys[i], values[i]);
}

/** Sets one decoded field: assignment, but `__proto__` becomes an own property. */
export function setField(target: object, key: string, value: unknown): void {
  if (key === "__proto__") {
    // Assignment would set the prototype; `structuredClone` makes an own property.
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

function shapeOf(keys: string[], n: number): Shape | undefined {
  let shape = root;
  for (let i = 0; i < n; i++) {
    let next = shape.next.get(keys[i]);
    if (next === undefined) {
      if (shapes >= MAX_SHAPES) return undefined;
      next = { next: new Map(), seen: 0, fill: undefined };
      shape.next.set(keys[i], next);
      shapes++;
    }
    shape = next;
  }
  return shape;
}

function compile(keys: string[], n: number): Fill | null {
  let body = '"use strict";';
  for (let i = 0; i < n; i++) {
    if (keys[i] === "__proto__") return null;
    // JSON.stringify gives a valid string literal for any key, lone surrogates included.
    body += `t[${JSON.stringify(keys[i])}]=v[${i}];`;
  }
  try {
    return new Function("t", "v", body) as Fill;
  } catch {
    canCompile = false;
    return null;
  }
}
