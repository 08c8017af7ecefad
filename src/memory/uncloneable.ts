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

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Renders a property key as a path segment: `.name`, or `["odd key"]`. */
export function keySegment(key: string): string {
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
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
  return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name}`;
}
