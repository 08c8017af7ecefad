import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LINEAR_MAX, RefTable } from "../../src/memory/ref_table.ts";
import { roundTrip } from "./codec_helpers.ts";

/** `n` fresh objects. */
function objects(n: number): object[] {
  return Array.from({ length: n }, (_, i) => ({ i }));
}

describe("RefTable", () => {
  for (const count of [1, LINEAR_MAX, LINEAR_MAX + 1, LINEAR_MAX + 2, 3 * LINEAR_MAX]) {
    it(`finds each of ${count} objects under the id it was added with`, () => {
      const table = new RefTable();
      const items = objects(count);
      for (const item of items) {
        assert.equal(table.find(item), -1);
        table.add(item);
      }
      items.forEach((item, id) => assert.equal(table.find(item), id));
      assert.equal(table.find({}), -1);
    });
  }

  it("counts an id added without an object, before and after the switch to a map", () => {
    const table = new RefTable();
    const items = objects(2 * LINEAR_MAX);
    table.add(null);
    for (const item of items.slice(0, LINEAR_MAX)) table.add(item);
    table.add(null);
    for (const item of items.slice(LINEAR_MAX)) table.add(item);
    assert.equal(table.find(items[0]), 1);
    assert.equal(table.find(items[LINEAR_MAX - 1]), LINEAR_MAX);
    assert.equal(table.find(items[LINEAR_MAX]), LINEAR_MAX + 2);
    assert.equal(table.find(items.at(-1)!), 2 * LINEAR_MAX + 1);
  });

  it("forgets every object when cleared, in either mode, and counts from 0 again", () => {
    for (const count of [3, 2 * LINEAR_MAX]) {
      const table = new RefTable();
      const items = objects(count);
      for (const item of items) table.add(item);
      table.clear();
      for (const item of items) assert.equal(table.find(item), -1);
      table.add(items[1]);
      assert.equal(table.find(items[1]), 0);
      assert.equal(table.find(items[0]), -1);
    }
  });
});

describe("codec references around the table's switch to a map", () => {
  for (const count of [LINEAR_MAX - 1, LINEAR_MAX, LINEAR_MAX + 1, 2 * LINEAR_MAX + 1]) {
    it(`keeps repeats and cycles among ${count} objects as structuredClone does`, () => {
      const items: Record<string, unknown>[] = objects(count) as Record<string, unknown>[];
      const dates = [new Date(1), new Date(2)];
      // Each object points back at the first one, the one before it and a shared date; the list
      // then repeats the first and the last object, so references cross the switch both ways.
      items.forEach((item, i) => {
        item.first = items[0];
        item.before = items[Math.max(0, i - 1)];
        item.date = dates[i % 2];
      });
      const value = [...items, items[0], items.at(-1), dates[0]];
      const out = roundTrip(value) as Record<string, unknown>[];
      assert.deepStrictEqual(out, structuredClone(value));
      assert.equal(out[count], out[0]);
      assert.equal(out[count + 1], out[count - 1]);
      assert.equal(out[count - 1].first, out[0]);
      assert.equal(out[count - 1].before, out[Math.max(0, count - 2)]);
      assert.equal(out[count + 2], out[0].date);
      assert.notEqual(out[0].date, out[1].date);
    });
  }

  it("keeps views of one buffer sharing it when the buffer comes after the switch", () => {
    const buffer = new ArrayBuffer(8);
    const value = [...objects(LINEAR_MAX + 5), new Uint8Array(buffer), new Uint16Array(buffer, 2)];
    const out = roundTrip(value) as unknown[];
    const a = out.at(-2) as Uint8Array;
    const b = out.at(-1) as Uint16Array;
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.byteOffset, 2);
  });
});
