import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CallTable, isSettled, newCall, settleCall } from "../../src/host/call_table.ts";

describe("call table", () => {
  it("gives each new call its own promise and resolving functions", async () => {
    const a = newCall(0, 0, undefined);
    const b = newCall(1, 5, undefined);
    assert.notEqual(a.promise, b.promise);
    assert.notEqual(a.resolve, b.resolve);
    assert.equal(b.task, 1);
    assert.equal(b.timeout, 5);
    assert.ok(settleCall(b, false, new RangeError("b")));
    assert.ok(settleCall(a, true, "a"));
    assert.equal(await a.promise, "a");
    await assert.rejects(b.promise, RangeError);
  });

  it("settles a call once and reports it settled", async () => {
    const call = newCall(0, 0, undefined);
    assert.equal(isSettled(call), false);
    assert.ok(settleCall(call, true, 1));
    assert.equal(settleCall(call, false, new Error("late")), false);
    assert.ok(isSettled(call));
    assert.equal(await call.promise, 1);
  });

  it("removes the caller's abort listener when the call settles", () => {
    const controller = new AbortController();
    const call = newCall(0, 0, controller.signal);
    let aborted = 0;
    call.onAbort = () => aborted++;
    controller.signal.addEventListener("abort", call.onAbort);
    settleCall(call, true, 1);
    controller.abort();
    assert.equal(aborted, 0);
  });

  it("reuses the ids of calls taken out", () => {
    const table = new CallTable();
    const first = table.add(newCall(0, 0, undefined));
    const second = table.add(newCall(0, 0, undefined));
    assert.notEqual(first, second);
    assert.ok(table.take(first) !== undefined);
    assert.equal(table.take(first), undefined);
    assert.equal(table.add(newCall(0, 0, undefined)), first);
    assert.equal(table.size, 2);
  });
});
