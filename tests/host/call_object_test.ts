import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { callObject } from "../../src/host/call_object.ts";

describe("callObject", () => {
  it("holds one own, enumerable function per task, in order", () => {
    const call = callObject(["add", "greet"], (name, index) => () => `${name}#${index}`);
    assert.deepEqual(Object.keys(call), ["add", "greet"]);
    assert.equal(call.add(), "add#0");
    assert.equal(call.greet(), "greet#1");
    assert.ok(Object.hasOwn(call, "add"));
  });

  it("throws a TypeError listing the tasks when a name is not a task", () => {
    const call = callObject(["add", "greet"], () => () => 0);
    assert.throws(() => call.nope, {
      name: "TypeError",
      message:
        'Cannot call task: the pool has no task "nope", received a call to it (tasks: add, greet)',
    });
    assert.throws(() => call.gret, /no task "gret" \(did you mean "greet"\?\)/);
  });

  it("says so when the pool has no tasks, and shortens a long list", () => {
    assert.throws(() => callObject([], () => 0).x, /\(tasks: none\)$/);
    const names = Array.from({ length: 25 }, (_, i) => `task${i}`);
    assert.throws(
      () => callObject(names, () => 0).other,
      /\(tasks: task0, task1, .*task19 and 5 more\)$/,
    );
  });

  it("reads as absent for then, toJSON and symbols, and keeps Object.prototype's members", () => {
    const call = callObject(["add"], () => () => 0) as Record<string | symbol, unknown>;
    assert.equal(call.then, undefined);
    assert.equal(call.toJSON, undefined);
    assert.equal(call[Symbol.iterator], undefined);
    assert.equal(call.hasOwnProperty, Object.prototype.hasOwnProperty);
    assert.equal(call.toString, Object.prototype.toString);
    assert.equal("nope" in call, false);
  });

  it("lets a task be named like an Object.prototype member", () => {
    const call = callObject(["toString", "constructor"], (name) => () => name);
    assert.equal(call.toString(), "toString");
    assert.equal(call.constructor(), "constructor");
  });

  it("keeps each pool's tasks apart though all share one prototype", () => {
    const a = callObject(["one"], () => () => 1);
    const b = callObject(["two"], () => () => 2);
    assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b));
    assert.throws(() => a.two, /\(tasks: one\)/);
    assert.throws(() => b.one, /\(tasks: two\)/);
  });
});
