/**
 * The value kinds of the per-type suite: how to build each one, deterministically, at about a
 * given data size (`data_bytes.ts`), and a cheap fingerprint of a value (its type, its length
 * and an element or two) that tells an echoed copy from a wrong result without comparing every
 * element.
 *
 * @module
 */

/** A built value and how to fingerprint a candidate copy of it. */
export interface BuiltValue {
  value: unknown;
  /** A short description of `v` that equals `fingerprint(value)` for a faithful copy. */
  fingerprint(v: unknown): string;
}

/** One kind of value. */
export interface TypeKind {
  /** Short name, first part of the variant label. */
  name: string;
  /** Builds the value with about `bytes` bytes of data. */
  build(bytes: number): BuiltValue;
}

/** `Map`, `Float64Array`, `Object`, `string`, ...: the built-in type of `v`. */
function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return Object.prototype.toString.call(v).slice(8, -1);
}

/** Type, length and last element of an array or typed array. */
function listPrint(v: unknown): string {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) return typeOf(v);
  const items = v as ArrayLike<unknown>;
  const last = items[items.length - 1];
  const shown = last instanceof Date ? `Date ${last.getTime()}` : String(last);
  return `${typeOf(v)} ×${items.length}, last ${shown}`;
}

/** Type, length and two UTF-16 units of a string. */
function stringPrint(v: unknown): string {
  if (typeof v !== "string") return typeOf(v);
  return `string ×${v.length}, ${v.charCodeAt(v.length >> 1)} ${v.charCodeAt(v.length - 1)}`;
}

/** An array or typed array kind: `make(n)` builds `n` items of about `bytesEach` bytes each. */
function list(name: string, bytesEach: number, make: (n: number) => unknown): TypeKind {
  return {
    name,
    build: (bytes) => ({
      value: make(Math.max(2, Math.round(bytes / bytesEach))),
      fingerprint: listPrint,
    }),
  };
}

/** A string kind: `unit` repeated. */
function text(name: string, unit: string): TypeKind {
  const unitBytes = new TextEncoder().encode(unit).length;
  return {
    name,
    build: (bytes) => ({
      value: unit.repeat(Math.max(1, Math.round(bytes / unitBytes))),
      fingerprint: stringPrint,
    }),
  };
}

function plainObject(bytes: number): BuiltValue {
  const count = Math.max(2, Math.round(bytes / 12));
  const value: Record<string, number | string> = {};
  for (let i = 0; i < count; i++) value[`f${i}`] = i % 2 === 0 ? i + 0.5 : `s${i}`;
  const last = `f${count - 1}`;
  return {
    value,
    fingerprint: (v) => {
      const o = v as Record<string, unknown>;
      return typeOf(v) === "Object" ? `Object f0 ${o.f0}, ${last} ${o[last]}` : typeOf(v);
    },
  };
}

interface TreeNode {
  id: number;
  name: string;
  children: TreeNode[];
}

/** A tree of 4-way branching nodes, filled breadth first. */
function tree(bytes: number): BuiltValue {
  const count = Math.max(3, Math.round(bytes / 32));
  const nodes: TreeNode[] = [];
  for (let i = 0; i < count; i++) {
    const node = { id: i, name: `node-${i}`, children: [] };
    if (i > 0) nodes[(i - 1) >> 2].children.push(node);
    nodes.push(node);
  }
  return {
    value: nodes[0],
    // The ids down the last-child path: one node per level.
    fingerprint: (v) => {
      const ids: unknown[] = [];
      let node = v as Partial<TreeNode> | undefined;
      while (typeOf(node) === "Object" && ids.length < 64) {
        ids.push(node!.id);
        node = Array.isArray(node!.children) ? node!.children.at(-1) : undefined;
      }
      return `tree ${ids.join("/")}`;
    },
  };
}

function stringMap(bytes: number): BuiltValue {
  const count = Math.max(2, Math.round(bytes / 14));
  const value = new Map<string, number>();
  for (let i = 0; i < count; i++) value.set(`k${i}`, i * 0.25);
  const last = `k${count - 1}`;
  return {
    value,
    fingerprint: (v) => v instanceof Map ? `Map ×${v.size}, ${last} ${v.get(last)}` : typeOf(v),
  };
}

function numberSet(bytes: number): BuiltValue {
  const count = Math.max(2, Math.round(bytes / 8));
  const value = new Set<number>();
  for (let i = 0; i < count; i++) value.add(i + 0.5);
  const last = count - 0.5;
  return {
    value,
    fingerprint: (v) => v instanceof Set ? `Set ×${v.size}, has ${last} ${v.has(last)}` : typeOf(v),
  };
}

function arrayBuffer(bytes: number): BuiltValue {
  const view = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) view[i] = (i * 31) & 255;
  return {
    value: view.buffer,
    fingerprint: (v) =>
      v instanceof ArrayBuffer
        ? `ArrayBuffer ×${v.byteLength}, last ${new Uint8Array(v)[v.byteLength - 1]}`
        : typeOf(v),
  };
}

function bigint(bytes: number): BuiltValue {
  const value = BigInt(`0x${"9e3779b97f4a7c15".repeat(Math.max(1, bytes / 8))}`);
  return {
    value,
    fingerprint: (v) =>
      typeof v !== "bigint"
        ? typeOf(v)
        : v === value
        ? "the same bigint"
        : `another bigint, low bits ${BigInt.asUintN(32, v)}`,
  };
}

/**
 * A chain of errors, each the cause of the one before: two with a one-frame stack when small,
 * one per KiB with a 16-frame stack when large. Stacks are set, so that they are the same on
 * every runtime and in every run.
 */
function errorChain(bytes: number): BuiltValue {
  const depth = bytes < 4096 ? 2 : Math.round(bytes / 1024);
  const frames = bytes < 4096 ? 1 : 16;
  let value: Error | undefined;
  for (let i = depth - 1; i >= 0; i--) {
    const message = `step ${i} failed`;
    const error = value === undefined ? new Error(message) : new Error(message, { cause: value });
    const stack = Array.from(
      { length: frames },
      (_, f) => `    at step${i}_${f} (file:///srv/app/steps.ts:${i + 10}:${f + 3})`,
    );
    error.stack = [`Error: ${message}`, ...stack].join("\n");
    value = error;
  }
  return {
    value,
    fingerprint: (v) => {
      let length = 0;
      let last = "";
      for (let e = v; e instanceof Error; e = e.cause) [length, last] = [length + 1, e.message];
      return length > 0 ? `Error chain of ${length}, last "${last}"` : typeOf(v);
    },
  };
}

const FIRST_DAY = Date.UTC(2024, 0, 1);
const numbers = (n: number) => Array.from({ length: n }, (_, i) => i / 4 + 0.1);
const strings = (n: number) => Array.from({ length: n }, (_, i) => `item-${i}`.padEnd(16, "."));
const dates = (n: number) => Array.from({ length: n }, (_, i) => new Date(FIRST_DAY + i * 60_000));
const float64s = (n: number) => Float64Array.from({ length: n }, (_, i) => i / 7);
const int32s = (n: number) => Int32Array.from({ length: n }, (_, i) => Math.imul(i, 0x9e3779b1));
const bigint64s = (n: number) =>
  BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 0x9e3779b97n);

/** Every kind, in report order. */
export const TYPE_KINDS: readonly TypeKind[] = [
  { name: "object", build: plainObject },
  list("number[]", 8, numbers),
  list("string[]", 16, strings),
  { name: "tree", build: tree },
  { name: "Map", build: stringMap },
  { name: "Set", build: numberSet },
  list("Date[]", 8, dates),
  list("Float64Array", 8, float64s),
  list("Int32Array", 4, int32s),
  list("BigInt64Array", 8, bigint64s),
  { name: "ArrayBuffer", build: arrayBuffer },
  text("ASCII string", "The quick brown fox jumps over the lazy dog. "),
  text("non-ASCII string", "Привет, мир! Съешь ещё этих булок 🌍🦔 "),
  { name: "bigint", build: bigint },
  { name: "Error+cause", build: errorChain },
];
