/**
 * How the encoder reports a value that cannot cross. The encoder throws an {@linkcode Uncloneable}
 * where it meets the value; each container it passes on the way out adds one path segment in a
 * `catch` (one per container level, so the success path allocates nothing for paths); the entry
 * point turns it into the `TypeError` the caller sees.
 *
 * @module
 */

/** Thrown inside the encoder; collects the path to the offending value, innermost first. */
export class Uncloneable {
  /** Rendered segments (`.user`, `[3]`, `.get("k")`), innermost first. */
  readonly segments: string[] = [];
  /** What the value is, as in `a function (onSave)`. */
  readonly what: string;
  /** Why it cannot be sent, as in `which cannot cross to a worker`. */
  readonly why: string;

  constructor(what: string, why = "which cannot cross to a worker") {
    this.what = what;
    this.why = why;
  }

  /** The `TypeError` for a value sent as `root`. */
  toTypeError(root: string): TypeError {
    let path = root;
    for (let i = this.segments.length - 1; i >= 0; i--) path += this.segments[i];
    return new TypeError(`Cannot send ${root}: ${path} is ${this.what}, ${this.why}`);
  }
}

/**
 * Renders a property key as a path segment: `.name`, or `["odd key"]`.
 *
 * No regular expression here: the containers' `catch` blocks call this while a stack overflow
 * unwinds, and V8 compiles a regular expression lazily, on a stack that may have no room left
 * for the compiler, which then throws a `SyntaxError` ("Invalid regular expression: ... Stack
 * overflow") in place of the `RangeError` the caller should see.
 */
export function keySegment(key: string): string {
  return isIdentifier(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** True when `key` is an ASCII identifier (`[A-Za-z_$][A-Za-z0-9_$]*`). */
function isIdentifier(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    const valid = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f ||
      c === 0x24 || (i > 0 && c >= 0x30 && c <= 0x39);
    if (!valid) return false;
  }
  return key.length > 0;
}

/** Renders a primitive as it would be written in code, for `.get(key)` segments. */
export function literal(value: unknown): string {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "bigint":
      return `${value}n`;
    case "number":
    case "boolean":
    case "undefined":
      return Object.is(value, -0) ? "-0" : String(value);
    default:
      return value === null ? "null" : "…";
  }
}

/**
 * Adds `segment` to `err` when it is an {@linkcode Uncloneable}; returns `err` for rethrowing.
 * Other errors (a getter that throws, a stack overflow) pass through unchanged.
 */
export function withSegment(err: unknown, segment: string): unknown {
  if (err instanceof Uncloneable) err.segments.push(segment);
  return err;
}

/** A class or tag name with its article, for an error message: `a Map`, `an Intl.Locale`. */
export function withArticle(name: string): string {
  return `${"AEIOU".includes(name[0]) ? "an" : "a"} ${name}`;
}

/** Names a value for an error message: `a function (onSave)`, `a WeakMap`. */
export function describe(value: unknown): string {
  if (typeof value === "function") {
    return `a function${value.name ? ` (${value.name})` : ""}`;
  }
  if (typeof value === "symbol") return `a symbol (${String(value.description ?? "")})`;
  let name: unknown;
  try {
    name = (value as object).constructor?.name;
  } catch {
    // A throwing `constructor` getter only costs us the class name in the message.
    name = undefined;
  }
  if (typeof name !== "string" || name === "") return "an object that cannot be cloned";
  return withArticle(name);
}
