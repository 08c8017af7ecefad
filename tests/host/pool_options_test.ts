import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  checkCloseOptions,
  MAX_THREADS,
  maxThreads,
  resolvePoolOptions,
  THREADS_PER_CORE,
} from "../../src/host/pool_options.ts";
import {
  DEFAULT_PAYLOAD_INITIAL_BYTES,
  DEFAULT_PAYLOAD_MAX_BYTES,
} from "../../src/memory/region.ts";

describe("resolvePoolOptions", () => {
  it("fills in every default", () => {
    assert.deepEqual(resolvePoolOptions(undefined, 4), {
      threads: 3,
      elastic: undefined,
      module: undefined,
      payloadInitialBytes: DEFAULT_PAYLOAD_INITIAL_BYTES,
      payloadMaxByteLength: DEFAULT_PAYLOAD_MAX_BYTES,
      spinMicroseconds: 50,
      parkMicroseconds: 2000,
      gcOnIdle: true,
      hostSpinMicroseconds: 20,
      maxQueue: Infinity,
      timeoutGrace: 1000,
      resourceLimits: undefined,
      bootstrap: undefined,
      taskTimings: false,
      process: { env: undefined, argv: undefined, execArgv: undefined },
      balancer: undefined,
      permissions: undefined,
      recycle: undefined,
      inliner: undefined,
      isolation: "thread",
      runtime: undefined,
      command: [],
      allowRemoteModules: false,
    });
    assert.equal(resolvePoolOptions({}, 1).threads, 1);
  });

  it("keeps the values given", () => {
    const resolved = resolvePoolOptions({
      threads: 2,
      module: new URL("file:///tasks.ts"),
      payload: { payloadInitialBytes: 0, payloadMaxByteLength: 1 },
      worker: { spinMicroseconds: 1, parkMicroseconds: 2, gcOnIdle: false },
      hostSpinMicroseconds: 0,
      maxQueue: 7,
      timeoutGrace: 5,
      resourceLimits: { maxOldGenerationSizeMb: 64 },
      balancer: "firstIdle",
    }, 2);
    assert.equal(resolved.module, "file:///tasks.ts");
    assert.equal(resolved.payloadMaxByteLength, 1);
    assert.equal(resolved.gcOnIdle, false);
    assert.equal(resolved.maxQueue, 7);
    assert.deepEqual(resolved.resourceLimits, { maxOldGenerationSizeMb: 64 });
    assert.equal(resolved.balancer, "firstIdle");
  });
});

describe("elastic threads", () => {
  it("fill in min 1, max the default thread count and an idle timeout of 5 s", () => {
    assert.deepEqual(resolvePoolOptions({ threads: {} }, 4).elastic, {
      min: 1,
      max: 3,
      idleTimeout: 5000,
    });
    const resolved = resolvePoolOptions({ threads: { min: 0, max: 6, idleTimeout: 0 } }, 4);
    assert.deepEqual(resolved.elastic, { min: 0, max: 6, idleTimeout: 0 });
    assert.equal(resolved.threads, 0);
    assert.equal(resolvePoolOptions({ threads: { min: 5 } }, 4).elastic?.max, 5);
  });

  it("refuse a min above max, a max past the limit and bad fields, naming the field", () => {
    assert.throws(
      () => resolvePoolOptions({ threads: { min: 3, max: 2 } }, 4),
      {
        name: "RangeError",
        message:
          "Cannot create pool: threads.min (3) must not exceed threads.max, received 2 (a number)",
      },
    );
    assert.throws(
      () => resolvePoolOptions({ threads: { max: 17 } }, 4),
      /^RangeError: Cannot create pool: threads\.max must be at most 16 .*received 17 \(a number\)$/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: { max: 0 } }, 4),
      /threads\.max must be a positive integer, received 0 \(a number\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: { idleTimeout: -1 } }, 4),
      /threads\.idleTimeout must be a non-negative finite number, received -1/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: { mx: 2 } }, 4),
      /there is no option threads\.mx \(did you mean threads\.max\?\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: "2" }, 4),
      /threads must be a positive integer \(0 with an inliner\) or an object \{ min, max, idleTimeout \}, received "2"/,
    );
  });
});

describe("the inliner", () => {
  it("fills in position last, batches of 32 and a threshold of 0", () => {
    assert.deepEqual(resolvePoolOptions({ inliner: {} }, 4).inliner, {
      position: "last",
      batchSize: 32,
      dispatchThreshold: 0,
    });
    const given = { position: "first", batchSize: 1, dispatchThreshold: 9 } as const;
    assert.deepEqual(resolvePoolOptions({ inliner: given }, 4).inliner, given);
    assert.equal(resolvePoolOptions({ threads: 0, inliner: {} }, 4).threads, 0);
  });

  it("refuses bad fields, naming them, and threads 0 without it", () => {
    assert.throws(
      () => resolvePoolOptions({ inliner: { position: "middle" } }, 4),
      /RangeError: Cannot create pool: inliner\.position must be one of "first", "last", received "middle"/,
    );
    assert.throws(
      () => resolvePoolOptions({ inliner: { batchSize: 0 } }, 4),
      /inliner\.batchSize must be a positive integer, received 0 \(a number\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ inliner: { dispatchThreshold: -1 } }, 4),
      /inliner\.dispatchThreshold must be a non-negative integer, received -1 \(a number\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ inliner: { batchsize: 4 } }, 4),
      /there is no option inliner\.batchsize \(did you mean inliner\.batchSize\?\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: 0 }, 4),
      /RangeError: Cannot create pool: threads must be at least 1 without an inliner/,
    );
  });
});

describe("recycling", () => {
  it("is off unless a limit is set, and keeps the limits given", () => {
    assert.equal(resolvePoolOptions({ recycle: {} }, 4).recycle, undefined);
    assert.deepEqual(resolvePoolOptions({ recycle: { afterCalls: 100 } }, 4).recycle, {
      afterCalls: 100,
      memoryBytes: undefined,
    });
    assert.equal(
      resolvePoolOptions({ recycle: { memoryBytes: 2 ** 30 } }, 4).recycle?.memoryBytes,
      2 ** 30,
    );
  });

  it("refuses limits that are not positive integers, and misspelled ones", () => {
    assert.throws(() => resolvePoolOptions({ recycle: { afterCalls: 0 } }, 4), {
      name: "RangeError",
      message:
        "Cannot create pool: recycle.afterCalls must be a positive integer, received 0 (a number)",
    });
    assert.throws(
      () => resolvePoolOptions({ recycle: { memoryBytes: 1.5 } }, 4),
      /recycle\.memoryBytes must be a positive integer number of bytes, received 1\.5/,
    );
    assert.throws(
      () => resolvePoolOptions({ recycle: { afterCall: 5 } }, 4),
      /TypeError: .*there is no option recycle\.afterCall \(did you mean recycle\.afterCalls\?\)/,
    );
    assert.throws(() => resolvePoolOptions({ recycle: 5 }, 4), /recycle must be an object/);
  });
});

describe("resource limits", () => {
  it("need at least 1 MB of stack, which values nested to the codec's limit fit", () => {
    assert.throws(
      () => resolvePoolOptions({ resourceLimits: { stackSizeMb: 0.5 } }, 2),
      /resourceLimits\.stackSizeMb must be a number of megabytes of at least 1, received 0\.5/,
    );
    assert.throws(
      () => resolvePoolOptions({ resourceLimits: { maxOldGenerationSizeMb: -1 } }, 2),
      RangeError,
    );
    assert.equal(resolvePoolOptions({ resourceLimits: { stackSizeMb: 1 } }, 2).threads, 1);
  });
});

describe("the thread limit", () => {
  it("is 4 per unit of parallelism, up to 1024, and 1024 with allowOversubscribe", () => {
    assert.equal(THREADS_PER_CORE, 4);
    assert.equal(MAX_THREADS, 1024);
    assert.equal(maxThreads(2, false), 8);
    assert.equal(maxThreads(0, false), 4);
    assert.equal(maxThreads(300, false), 1024);
    assert.equal(maxThreads(2, true), 1024);
  });

  it("says the bound, the parallelism, the value and the option that lifts it", () => {
    assert.throws(
      () => resolvePoolOptions({ threads: 9 }, 2),
      (err: Error) =>
        err instanceof RangeError &&
        err.message ===
          "Cannot create pool: threads must be at most 8 (4 × the available parallelism of 2) unless allowOversubscribe is true, which allows up to 1024, received 9 (a number)",
    );
    assert.equal(resolvePoolOptions({ threads: 9, allowOversubscribe: true }, 2).threads, 9);
    assert.throws(
      () => resolvePoolOptions({ threads: 1025, allowOversubscribe: true }, 2),
      /threads must be at most 1024, the limit for any pool, received 1025 \(a number\)/,
    );
    assert.throws(
      () => resolvePoolOptions({ threads: 2000 }, 512),
      /threads must be at most 1024, the limit for any pool/,
    );
  });
});

describe("checkCloseOptions", () => {
  it("accepts no options and a positive timeout", () => {
    checkCloseOptions(undefined);
    checkCloseOptions({});
    checkCloseOptions({ timeout: 0.5 });
  });

  it("refuses a bad timeout, an unknown name and options that are not an object", () => {
    assert.throws(() => checkCloseOptions({ timeout: -1 }), RangeError);
    assert.throws(() => checkCloseOptions({ timeout: "5" }), /received "5" \(a string\)/);
    assert.throws(() => checkCloseOptions({ timeOut: 5 }), /did you mean timeout\?/);
    assert.throws(() => checkCloseOptions(5), TypeError);
  });
});

describe("permissions", () => {
  it("take true, false or a list of non-empty strings per permission", () => {
    const permissions = { read: ["/data"], net: false, env: true, import: [] };
    assert.deepEqual(resolvePoolOptions({ permissions }, 2).permissions, permissions);
    const all = { read: true, write: true, net: true, env: true, run: true, ffi: true, sys: true };
    assert.equal(
      resolvePoolOptions({ permissions: { ...all, import: true } }, 2).permissions,
      undefined,
    );
    assert.throws(
      () => resolvePoolOptions({ permissions: { read: "/data" } }, 2),
      /^TypeError: Cannot create pool: permissions\.read must be true, false or an array of non-empty strings, received "\/data" \(a string\)$/,
    );
    assert.throws(
      () => resolvePoolOptions({ permissions: { env: ["HOME", 1] } }, 2),
      /^TypeError: Cannot create pool: permissions\.env must be true, false or an array of non-empty strings, received an array$/,
    );
    assert.throws(
      () => resolvePoolOptions({ permissions: { write: [""] } }, 2),
      /^RangeError: Cannot create pool: permissions\.write must be true, false or an array of non-empty strings, received an array$/,
    );
  });

  it("name the closest permission for a misspelt one", () => {
    assert.throws(
      () => resolvePoolOptions({ permissions: { raed: true } }, 2),
      /^TypeError: Cannot create pool: there is no option permissions\.raed \(did you mean permissions\.read\?\), received permissions\.raed: true \(a boolean\)$/,
    );
    assert.throws(
      () => resolvePoolOptions({ permissions: true }, 2),
      /^TypeError: Cannot create pool: permissions must be an object, received true \(a boolean\)$/,
    );
  });
});
