/**
 * Checking an options object against a small declarative schema: each option's name maps to a
 * {@linkcode Rule} (its type, its range, nested fields). A name the schema does not know throws a
 * `TypeError` naming the closest one it does know; a value of the wrong type throws a `TypeError`
 * and one out of range a `RangeError`, both with the value received and its type.
 *
 * @module
 */

/** What one option accepts. Made with the constructors below, not by hand. */
export interface Rule {
  /** A valid value, as the message says it: `a positive integer`. */
  readonly expected: string;
  /** A valid value as an out-of-range message says it, when not `expected`. */
  readonly rangeExpected?: string;
  /** True when `value` has the option's type; otherwise the option throws a `TypeError`. */
  readonly isType: (value: unknown) => boolean;
  /** True when a value of the right type is in range; otherwise a `RangeError`. */
  readonly inRange: (value: never) => boolean;
  /** An object option's own schema. */
  readonly fields?: Schema;
  /** A string option's values, for suggestions. */
  readonly choices?: readonly string[];
}

/** Option names and their rules. */
export type Schema = Readonly<Record<string, Rule>>;

const always = (): boolean => true;
const isNumber = (value: unknown): boolean => typeof value === "number";

/**
 * An integer from `min` to `max`, or `Infinity` too when `orInfinity`.
 * @param expected How the message names it, when not `an integer from <min> to <max>`.
 */
export function integer(min: number, max: number, expected?: string, orInfinity = false): Rule {
  return {
    expected: expected ?? `an integer from ${min} to ${max}`,
    isType: isNumber,
    inRange: (value: number) =>
      (Number.isInteger(value) && value >= min && value <= max) ||
      (orInfinity && value === Infinity),
  };
}

/** A finite number of at least `min`, or above it when `exclusive`. */
export function finite(expected: string, min: number, exclusive = false): Rule {
  return {
    expected,
    isType: isNumber,
    inRange: (value: number) => Number.isFinite(value) && (exclusive ? value > min : value >= min),
  };
}

/** `true` or `false`. */
export const BOOLEAN: Rule = {
  expected: "a boolean",
  isType: (value) => typeof value === "boolean",
  inRange: always,
};

/** One of the strings `choices`. */
export function oneOf(choices: readonly string[]): Rule {
  return {
    expected: `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`,
    isType: (value) => typeof value === "string",
    inRange: (value: string) => choices.includes(value),
    choices,
  };
}

/** A function. */
export const FUNCTION: Rule = {
  expected: "a function",
  isType: (value) => typeof value === "function",
  inRange: always,
};

/** A module specifier: a non-empty string or a `URL`. */
export const MODULE_URL: Rule = {
  expected: "a module URL (a string or a URL)",
  isType: (value) => typeof value === "string" || value instanceof URL,
  inRange: (value: string | URL) => String(value) !== "",
};

/** `true`, `false`, or a list of non-empty strings (a permission's allow-list). */
export const GRANT: Rule = {
  expected: "true, false or an array of non-empty strings",
  isType: (value) =>
    typeof value === "boolean" ||
    (Array.isArray(value) && value.every((entry) => typeof entry === "string")),
  inRange: (value: boolean | string[]) => value === true || value === false || !value.includes(""),
};

/** Any value that `structuredClone` can copy (it crosses to the workers as spawn data). */
export const CLONEABLE: Rule = {
  expected: "a value that structuredClone can copy",
  isType: (value) => {
    try {
      structuredClone(value);
      return true;
    } catch {
      // The reason is the type of a value inside: the rule's message says what is accepted.
      return false;
    }
  },
  inRange: always,
};

/** A string that is not empty. */
export const NON_EMPTY_STRING: Rule = {
  expected: "a non-empty string",
  isType: (value) => typeof value === "string",
  inRange: (value: string) => value !== "",
};

/** An array of strings. */
export const STRINGS: Rule = {
  expected: "an array of strings",
  isType: (value) => Array.isArray(value) && value.every((item) => typeof item === "string"),
  inRange: always,
};

/** An object whose own values are all strings (an environment). */
export const STRING_RECORD: Rule = {
  expected: "an object of strings",
  isType: (value) =>
    isOptionsObject(value) && Object.values(value as object).every((v) => typeof v === "string"),
  inRange: always,
};

/** An object whose own options follow `fields`. */
export function group(fields: Schema): Rule {
  return { expected: "an object", isType: isOptionsObject, inRange: always, fields };
}

/** A value that `single` accepts, or an object whose own options follow `fields`. */
export function orGroup(single: Rule, fields: Schema, expected: string): Rule {
  return {
    expected,
    rangeExpected: single.expected,
    isType: (value) => isOptionsObject(value) || single.isType(value),
    inRange: single.inRange,
    fields,
  };
}

function isOptionsObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks `options` against `schema`; `undefined` options, and `undefined` values, are left out.
 *
 * @param action What fails, for messages: `create pool`.
 * @param prefix The path of `options` inside the caller's options (`worker.`), or `""`.
 * @throws {TypeError} When `options` is not an object, a name is not in the schema, or a value
 * has the wrong type.
 * @throws {RangeError} When a value is out of range.
 */
export function checkOptions(action: string, options: unknown, schema: Schema, prefix = ""): void {
  if (options === undefined) return;
  const where = prefix === "" ? "options" : prefix.slice(0, -1);
  if (!isOptionsObject(options)) {
    throw new TypeError(`Cannot ${action}: ${where} must be an object, received ${shown(options)}`);
  }
  for (const name of Object.keys(options as object)) {
    const value = (options as Record<string, unknown>)[name];
    const rule = Object.hasOwn(schema, name) ? schema[name] : undefined;
    if (rule === undefined) throw unknownOption(action, name, value, Object.keys(schema), prefix);
    checkValue(action, prefix + name, value, rule);
  }
}

/**
 * The `TypeError` for an option `name` (holding `value`) that is not one of `names`: it names the
 * closest of them, or lists them all when none is close.
 * @param prefix The path of the options object inside the caller's options (`worker.`), or `""`.
 */
export function unknownOption(
  action: string,
  name: string,
  value: unknown,
  names: readonly string[],
  prefix = "",
): TypeError {
  const near = closest(name, names);
  const where = prefix === "" ? "" : `${prefix.slice(0, -1)} `;
  const hint = near !== undefined
    ? `did you mean ${prefix}${near}?`
    : `the ${where}options are ${names.map((n) => prefix + n).join(", ")}`;
  return new TypeError(
    `Cannot ${action}: there is no option ${prefix}${name} (${hint}), received ${prefix}${name}: ${
      shown(value)
    }`,
  );
}

/**
 * Checks one option's `value` (named `name` in messages) against `rule`; `undefined` passes.
 * @throws {TypeError} When the value has the wrong type (or, in a group, a wrong name).
 * @throws {RangeError} When it is out of range.
 */
export function checkValue(action: string, name: string, value: unknown, rule: Rule): void {
  if (value === undefined) return;
  if (!rule.isType(value)) {
    throw new TypeError(
      `Cannot ${action}: ${name} must be ${rule.expected}, received ${shown(value)}`,
    );
  }
  if (rule.fields !== undefined && isOptionsObject(value)) {
    checkOptions(action, value, rule.fields, `${name}.`);
    return;
  }
  if (!(rule.inRange as (value: unknown) => boolean)(value)) {
    const near = rule.choices !== undefined ? closest(value as string, rule.choices) : undefined;
    throw new RangeError(
      `Cannot ${action}: ${name} must be ${rule.rangeExpected ?? rule.expected}${
        near !== undefined ? ` (did you mean ${JSON.stringify(near)}?)` : ""
      }, received ${shown(value)}`,
    );
  }
}

/** A value as messages show it, with its type: `"2" (a string)`, `-1 (a number)`, `null`. */
export function shown(value: unknown): string {
  switch (typeof value) {
    case "string":
      return `${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)} (a string)`;
    case "number":
      return `${Object.is(value, -0) ? "-0" : value} (a number)`;
    case "bigint":
      return `${value}n (a bigint)`;
    case "boolean":
      return `${value} (a boolean)`;
    case "symbol":
      return `${String(value)} (a symbol)`;
    case "function":
      return "a function";
    case "undefined":
      return "undefined";
    default:
      if (value === null) return "null";
      if (Array.isArray(value)) return "an array";
      return value instanceof URL ? `${value.href} (a URL)` : "an object";
  }
}

/**
 * The name in `names` nearest to `name`, or undefined when none is near. Nearness is the edit
 * distance ignoring case (a difference of case alone counts a quarter); a match may differ in at
 * most half of `name`'s letters (at least two), and of equally near names the one sharing the
 * longest start with `name` wins (`payloadMaxBytes`: `payloadMaxByteLength`, not
 * `payloadInitialBytes`).
 */
export function closest(name: string, names: readonly string[]): string | undefined {
  const folded = name.toLowerCase();
  let best: string | undefined;
  let bestCost = Math.max(2, Math.floor(name.length / 2)) + 0.5;
  for (const candidate of names) {
    const lower = candidate.toLowerCase();
    let shared = 0;
    while (shared < lower.length && lower[shared] === folded[shared]) shared++;
    const cost = editDistance(folded, lower) + (name === candidate ? 0 : 0.25) -
      Math.min(shared, 99) / 1000;
    if (cost < bestCost) {
      best = candidate;
      bestCost = cost;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions and substitutions cost one each). */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(
        row[j] + 1,
        next[j - 1] + 1,
        row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    row = next;
  }
  return row[b.length];
}
