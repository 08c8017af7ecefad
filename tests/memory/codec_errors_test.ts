import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ByteReader } from "../../src/memory/byte_reader.ts";
import { ByteWriter } from "../../src/memory/byte_writer.ts";
import { decodeValue, encodeValue } from "../../src/memory/codec.ts";
import { cloneErrorsOnDecode } from "../../src/memory/error_decoder.ts";
import { ErrorFlag, Tag } from "../../src/memory/tags.ts";
import { registerError } from "../../src/register_error.ts";
import { encodeError, roundTrip } from "./codec_helpers.ts";

class QuotaError extends Error {
  override name = "QuotaError";
  code = "E_QUOTA";
  constructor(message: string, limit: number) {
    super(message);
    if (typeof limit !== "number") throw new Error("constructor must not run");
  }
}
registerError(QuotaError);

class UnregisteredError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "UnregisteredError";
  }
}

const BUILT_IN = [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];

/** The tests of rebuilding errors, run with each way the decoder can build them. */
function rebuildsErrors(): void {
  for (const Class of BUILT_IN) {
    it(`rebuilds ${/^[AEIO]/.test(Class.name) ? "an" : "a"} ${Class.name} with its message and stack`, () => {
      const err = new Class("boom");
      const out = roundTrip(err) as Error;
      assert.equal(Object.getPrototypeOf(out), Class.prototype);
      assert.equal(out.name, Class.name);
      assert.equal(out.message, "boom");
      assert.equal(out.stack, err.stack);
      assert.deepStrictEqual(out, err);
      assert.deepEqual(Object.keys(out), []);
      assert.equal(Object.getOwnPropertyDescriptor(out, "stack")?.enumerable, false);
      // An engine error, not an object that looks like one: a structured clone keeps its class.
      assert.equal(Object.prototype.toString.call(out), "[object Error]");
      assert.equal(Object.getPrototypeOf(structuredClone(out)), Class.prototype);
    });
  }

  it("rebuilds an AggregateError with its errors", () => {
    const err = new AggregateError([new TypeError("a"), "b"], "many");
    const out = roundTrip(err) as AggregateError;
    assert.ok(out instanceof AggregateError);
    assert.equal(out.message, "many");
    assert.ok(out.errors[0] instanceof TypeError);
    assert.equal(out.errors[1], "b");
    assert.equal(Object.getOwnPropertyDescriptor(out, "errors")?.enumerable, false);
  });

  it("keeps cause chains, including a cycle", () => {
    const root = new Error("root");
    const mid = new TypeError("mid", { cause: root });
    const top = new Error("top", { cause: mid });
    (root as { cause?: unknown }).cause = top;
    const out = roundTrip(top) as Error;
    const outMid = out.cause as Error;
    assert.ok(outMid instanceof TypeError);
    assert.equal((outMid.cause as Error).message, "root");
    assert.equal((outMid.cause as Error).cause, out);
    assert.equal(Object.getOwnPropertyDescriptor(out, "cause")?.enumerable, false);
  });

  it("keeps a hidden cause on every built-in class, without a message, and when undefined", () => {
    const made = [
      ...BUILT_IN.map((Class) => new Class("m", { cause: { n: 1 } })),
      new AggregateError([], "m", { cause: { n: 1 } }),
      new Error(undefined, { cause: { n: 1 } }),
    ];
    for (const err of made) {
      const out = roundTrip(err) as Error;
      assert.equal(Object.getPrototypeOf(out), Object.getPrototypeOf(err));
      assert.deepStrictEqual(out.cause, { n: 1 });
      assert.deepStrictEqual(
        Object.getOwnPropertyDescriptor(out, "cause"),
        { value: out.cause, writable: true, enumerable: false, configurable: true },
      );
      assert.equal(Object.hasOwn(out, "message"), Object.hasOwn(err, "message"));
      assert.deepEqual(Object.keys(out), []);
    }
    const none = roundTrip(new Error("x", { cause: undefined })) as Error;
    assert.equal(Object.hasOwn(none, "cause"), true);
    assert.equal(none.cause, undefined);
    assert.equal(Object.hasOwn(roundTrip(new Error("x")) as Error, "cause"), false);
  });

  it("hands out a new error for every one decoded in a long cause chain", () => {
    let chain: Error | undefined;
    for (let i = 0; i < 150; i++) chain = new RangeError(`e${i}`, { cause: chain });
    let out = roundTrip(chain) as Error | undefined;
    const seen = new Set<Error>();
    for (let i = 149; i >= 0; i--) {
      assert.ok(out instanceof RangeError);
      assert.equal(out.message, `e${i}`);
      seen.add(out);
      out = out.cause as Error | undefined;
    }
    assert.equal(out, undefined);
    assert.equal(seen.size, 150);
  });

  it("keeps a cause that is not an error", () => {
    const out = roundTrip(new Error("x", { cause: { status: 404 } })) as Error;
    assert.deepStrictEqual(out.cause, { status: 404 });
  });

  it("keeps code and other own enumerable properties", () => {
    const err = Object.assign(new Error("no file"), { code: "ENOENT", errno: -2, path: "/x" });
    const out = roundTrip(err) as typeof err;
    assert.equal(out.code, "ENOENT");
    assert.equal(out.errno, -2);
    assert.equal(out.path, "/x");
  });

  it("rebuilds a registered class without running its constructor", () => {
    const err = new QuotaError("over", 3);
    const out = roundTrip(err) as QuotaError;
    assert.ok(out instanceof QuotaError);
    assert.ok(out instanceof Error);
    assert.equal(out.name, "QuotaError");
    assert.equal(out.code, "E_QUOTA");
    assert.equal(out.message, "over");
    assert.equal(out.stack, err.stack);
  });

  it("rebuilds an unregistered class as its nearest built-in ancestor with its name", () => {
    const out = roundTrip(new UnregisteredError("far")) as Error;
    assert.equal(Object.getPrototypeOf(out), RangeError.prototype);
    assert.equal(out.name, "UnregisteredError");
    assert.equal(out.message, "far");
  });

  it("keeps an error without a message without one", () => {
    const out = roundTrip(new Error()) as Error;
    assert.equal(Object.hasOwn(out, "message"), false);
    assert.equal(out.message, "");
  });

  it("passes over an own accessor cause without running it, as structuredClone does", () => {
    let reads = 0;
    const getter = { get: () => `read ${++reads}`, configurable: true };
    const hidden = new Error("m", { cause: "data" });
    Object.defineProperty(hidden, "cause", getter);
    const shown = new RangeError("n");
    Object.defineProperty(shown, "cause", { ...getter, enumerable: true });
    for (const err of [hidden, shown]) {
      const out = roundTrip(err) as Error;
      const clone = structuredClone(err);
      assert.equal(Object.getPrototypeOf(out), Object.getPrototypeOf(err));
      assert.equal(out.message, err.message);
      assert.equal(Object.hasOwn(clone, "cause"), false);
      assert.equal(Object.hasOwn(out, "cause"), false);
    }
    assert.equal(reads, 0);
  });

  it("keeps an error without a string stack without one, as structuredClone does", () => {
    const deleted = new RangeError("gone", { cause: 1 });
    delete (deleted as { stack?: string }).stack;
    const numeric = new Error("five");
    (numeric as { stack?: unknown }).stack = 5;
    for (const err of [deleted, numeric, new AggregateError([], "none")]) {
      if (err instanceof AggregateError) delete (err as { stack?: string }).stack;
      const out = roundTrip(err) as Error;
      const clone = structuredClone(err);
      // Not the decoder's own trace: no stack at all, where the runtime's clone has none.
      assert.equal(out.stack, undefined);
      assert.equal(Object.hasOwn(out, "stack"), Object.hasOwn(clone, "stack"));
      assert.equal(out.message, err.message);
    }
  });

  it("keeps a name set on a plain Error", () => {
    const err = new Error("x");
    err.name = "CustomName";
    const out = roundTrip(err) as Error;
    assert.equal(out.name, "CustomName");
    assert.equal(Object.getPrototypeOf(out), Error.prototype);
  });

  it("keeps errors nested in other values", () => {
    const out = roundTrip({ list: [new TypeError("t")] }) as { list: Error[] };
    assert.ok(out.list[0] instanceof TypeError);
  });

  it("hands out a new error for every one decoded, past a batch of blanks", () => {
    const errors = Array.from({ length: 150 }, (_, i) => new TypeError(`e${i}`));
    const out = roundTrip(errors) as TypeError[];
    assert.equal(new Set(out).size, 150);
    out.forEach((e, i) => {
      assert.ok(e instanceof TypeError);
      assert.equal(e.message, `e${i}`);
      assert.equal(e.stack, errors[i].stack);
    });
  });
}

for (const cloned of [false, true]) {
  describe(`codec errors, ${cloned ? "cloned from blank errors" : "constructed"}`, () => {
    before(() => cloneErrorsOnDecode(cloned));
    after(() => cloneErrorsOnDecode(false));
    rebuildsErrors();
  });
}

describe("codec errors", () => {
  it("sends an error of a built-in class named after it as one byte for its names", () => {
    const bytes = (value: unknown) => {
      const w = new ByteWriter(16);
      encodeValue(w, value);
      return w.bytes.subarray(0, w.length);
    };
    const plain = bytes(new TypeError("t"));
    assert.equal(plain[0], Tag.ERROR);
    assert.ok(plain[1] & ErrorFlag.BUILT_IN);
    const renamed = new TypeError("t");
    renamed.name = "Other";
    assert.equal(bytes(renamed)[1] & ErrorFlag.BUILT_IN, 0);
    assert.equal(bytes(new QuotaError("q", 1))[1] & ErrorFlag.BUILT_IN, 0);
  });

  it("refuses a built-in class index it does not know", () => {
    const w = new ByteWriter(16);
    encodeValue(w, new Error("x"));
    const bytes = w.bytes.slice(0, w.length);
    bytes[2] = 200;
    const r = new ByteReader();
    r.reset(bytes, new DataView(bytes.buffer), 0);
    assert.throws(() => decodeValue(r), TypeError);
  });

  it("rebuilds a DOMException with its name and code", {
    skip: typeof DOMException !== "function",
  }, () => {
    const err = new DOMException("gone", "NotFoundError");
    const out = roundTrip(err) as DOMException;
    assert.ok(out instanceof DOMException);
    assert.equal(out.name, "NotFoundError");
    assert.equal(out.message, "gone");
    assert.equal(out.code, err.code);
    assert.equal(out.code, 8);
  });

  it("keeps a DOMException without a stack without one", {
    skip: typeof DOMException !== "function",
  }, () => {
    const err = new DOMException("gone", "AbortError");
    delete (err as { stack?: string }).stack;
    const out = roundTrip(err) as DOMException;
    assert.equal((out as { stack?: string }).stack, undefined);
    assert.equal(out.name, "AbortError");
    assert.equal(out.message, "gone");
  });

  it("refuses to register what is not an Error class", () => {
    assert.throws(
      () => registerError(class NotAnError {} as unknown as typeof Error),
      (e: unknown) =>
        e instanceof TypeError && /must be a class that extends Error/.test(e.message),
    );
  });

  it("shares one registry through a Symbol.for key on globalThis", () => {
    const registry = (globalThis as unknown as Record<symbol, Map<string, unknown>>)[
      Symbol.for("weft.errorClasses")
    ];
    assert.equal(registry.get("QuotaError"), QuotaError);
  });
});

/** Asserts that sending `value` throws a TypeError whose message names `path`. */
function assertRefused(value: unknown, path: string, what: RegExp): void {
  const err = encodeError(value);
  assert.ok(err instanceof TypeError, `expected a TypeError, got ${err}`);
  assert.ok(err.message.startsWith(`Cannot send arg: ${path} is `), err.message);
  assert.match(err.message, what);
}

describe("codec refusals", () => {
  it("names the path of a function in an array of objects", () => {
    const items = [{}, {}, {}, { onClick() {} }];
    assertRefused({ items }, "arg.items[3].onClick", /a function \(onClick\), which cannot cross/);
  });

  it("refuses a function at the top level", () => {
    assertRefused(() => 1, "arg", /a function/);
  });

  it("refuses a symbol value", () => {
    assertRefused({ s: Symbol("tag") }, "arg.s", /a symbol \(tag\)/);
  });

  it("refuses a boxed symbol", () => {
    assertRefused([Object(Symbol("x"))], "arg[0]", /a Symbol/);
  });

  it("refuses a WeakMap, a WeakSet and a WeakRef", () => {
    assertRefused({ m: new WeakMap() }, "arg.m", /a WeakMap/);
    assertRefused({ s: [new WeakSet()] }, "arg.s[0]", /a WeakSet/);
    assertRefused({ r: new WeakRef({}) }, "arg.r", /a WeakRef/);
  });

  it("refuses disposable stacks, text coders and URL patterns, where the runtime has them", () => {
    const g = globalThis as unknown as Record<
      string,
      (new (...args: unknown[]) => object) | undefined
    >;
    const made: [string, () => object][] = [
      ["DisposableStack", () => new g.DisposableStack!()],
      ["AsyncDisposableStack", () => new g.AsyncDisposableStack!()],
      ["TextEncoder", () => new g.TextEncoder!()],
      ["TextDecoder", () => new g.TextDecoder!()],
      ["URLPattern", () => new g.URLPattern!({ pathname: "/a" })],
    ];
    for (const [name, make] of made) {
      if (typeof g[name] !== "function") continue;
      assertRefused({ v: make() }, "arg.v", new RegExp(`an? ${name}, which cannot cross`));
    }
  });

  it("refuses an error whose own message is a symbol, as structuredClone does", () => {
    const err = new Error("x");
    Object.defineProperty(err, "message", { value: Symbol("m"), configurable: true });
    assert.throws(() => structuredClone(err));
    assertRefused({ e: err }, "arg.e.message", /a symbol \(m\), which cannot cross/);
  });

  it("refuses an error whose name is a symbol, as structuredClone does", () => {
    const err = Object.assign(new Error("x"), { name: Symbol("n") });
    assert.throws(() => structuredClone(err));
    assertRefused({ e: err }, "arg.e.name", /a symbol \(n\), which cannot cross/);
    const inherited = new (class extends Error {})("y");
    Object.defineProperty(Object.getPrototypeOf(inherited), "name", { value: Symbol("p") });
    assert.throws(() => structuredClone(inherited));
    assertRefused([inherited], "arg[0].name", /a symbol \(p\)/);
  });

  it("refuses a Promise below the top level", () => {
    assertRefused({ p: Promise.resolve(1) }, "arg.p", /a Promise/);
  });

  it("says a SharedArrayBuffer is not supported yet", () => {
    assertRefused({ buf: new SharedArrayBuffer(8) }, "arg.buf", /not supported yet/);
    assertRefused(
      { view: new Int32Array(new SharedArrayBuffer(8)) },
      "arg.view",
      /SharedArrayBuffer, which is not supported yet/,
    );
  });

  it("refuses a MessagePort", { skip: typeof MessageChannel !== "function" }, () => {
    const { port1, port2 } = new MessageChannel();
    try {
      assertRefused({ port: port1 }, "arg.port", /a MessagePort/);
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("refuses a Blob with a hint", { skip: typeof Blob !== "function" }, () => {
    assertRefused({ file: new Blob(["x"]) }, "arg.file", /arrayBuffer\(\)/);
  });

  it("refuses a detached ArrayBuffer", () => {
    const buffer = new ArrayBuffer(8);
    buffer.transfer();
    assertRefused({ buffer }, "arg.buffer", /a detached ArrayBuffer/);
  });

  it("refuses a view left out of bounds by its buffer's shrinking, as structuredClone does", () => {
    const buffer = new ArrayBuffer(32, { maxByteLength: 64 });
    const views = [
      new Uint8Array(buffer, 8, 16),
      new Float64Array(buffer, 24),
      new DataView(buffer, 8, 16),
      new Uint8Array(buffer, 0, 20),
    ];
    buffer.resize(16);
    assertRefused({ v: views[0] }, "arg.v", /Uint8Array out of its buffer's bounds/);
    assertRefused([views[1]], "arg[0]", /a Float64Array out of its buffer's bounds/);
    assertRefused({ d: views[2] }, "arg.d", /a DataView out of its buffer's bounds/);
    assertRefused(views[3], "arg", /Uint8Array out of its buffer's bounds/);
    // In bounds still: an empty view at the start, and one that tracks the buffer's length.
    const empty = new Uint8Array(buffer, 0, 0);
    const tracking = new Uint8Array(buffer, 4);
    assert.deepStrictEqual(roundTrip([empty, tracking]), structuredClone([empty, tracking]));
  });

  it("refuses generators and the built-in iterators, as structuredClone does", () => {
    function* gen(): Generator<number> {
      yield 1;
    }
    async function* agen(): AsyncGenerator<number> {
      yield 1;
    }
    const values: [string, object][] = [
      ["gen", gen()],
      ["agen", agen()],
      ["array", [1][Symbol.iterator]()],
      ["map", new Map().keys()],
      ["set", new Set().values()],
      ["string", ""[Symbol.iterator]()],
      ["matches", "a".matchAll(/a/g)],
      ["format", new Intl.NumberFormat("en")],
    ];
    const temporal = (globalThis as { Temporal?: { Duration: { from(d: object): object } } })
      .Temporal;
    if (temporal) values.push(["duration", temporal.Duration.from({ hours: 1 })]);
    const helper = ([][Symbol.iterator]() as { map?: (f: () => void) => object }).map;
    if (helper) values.push(["helper", helper.call([][Symbol.iterator](), () => {})]);
    for (const [key, value] of values) {
      assert.throws(() => structuredClone(value));
      assertRefused({ [key]: value }, `arg.${key}`, /which cannot cross/);
    }
    // An iterator of the user's own is a plain object, as with structuredClone.
    const own = { next: 1, [Symbol.iterator]: 2 };
    assert.deepStrictEqual(roundTrip(own), structuredClone(own));
  });

  it("names paths through Map values and keys, Set elements and error causes", () => {
    assertRefused({ m: new Map([["k", () => 1]]) }, 'arg.m.get("k")', /a function/);
    assertRefused({ m: new Map([[Symbol("k"), 1]]) }, "arg.m.keys()[0]", /a symbol/);
    assertRefused({ s: new Set([1, Symbol("v")]) }, "arg.s.values()[1]", /a symbol/);
    assertRefused(new Error("x", { cause: { f() {} } }), "arg.cause.f", /a function/);
  });

  it("renders keys that are not identifiers in brackets", () => {
    assertRefused({ "a b": { 0: () => 1 } }, 'arg["a b"]["0"]', /a function/);
  });

  it("names paths inside long and sparse arrays", () => {
    const long: unknown[] = Array.from({ length: 300 }, () => 0);
    long[299] = () => 1;
    assertRefused(long, "arg[299]", /a function/);
    const sparse: unknown[] = [];
    sparse[5000] = () => 1;
    assertRefused(sparse, "arg[5000]", /a function/);
  });

  it("names the root it is given", () => {
    const err = encodeError({ f() {} }, "result");
    assert.ok(err instanceof TypeError);
    assert.match(err.message, /^Cannot send result: result\.f is a function/);
  });

  it("passes through errors thrown by getters unchanged", () => {
    const boom = new Error("getter");
    const err = encodeError({
      get x() {
        throw boom;
      },
    });
    assert.equal(err, boom);
  });

  it("can encode again after a refusal", () => {
    encodeError({ f() {} });
    assert.deepStrictEqual(roundTrip({ a: [1] }), { a: [1] });
  });
});
