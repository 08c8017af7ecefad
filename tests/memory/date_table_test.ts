import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DateTable } from "../../src/memory/date_table.ts";

/** Enters `dates` in order under ids from 0; returns what `findOrAdd` gave for each. */
function enter(table: DateTable, dates: Date[]): number[] {
  let next = 0;
  return dates.map((d) => {
    const id = table.findOrAdd(d, d.getTime(), next);
    if (id === -1) next++;
    return id;
  });
}

describe("DateTable", () => {
  it("finds each of 10,000 dates under the id it was entered with, across growth", () => {
    const table = new DateTable();
    const dates = Array.from({ length: 10_000 }, (_, i) => new Date(i * 60_000));
    assert.deepStrictEqual(enter(table, dates), dates.map(() => -1));
    dates.forEach((d, id) => assert.equal(table.findOrAdd(d, d.getTime(), -5), id));
  });

  it("tells apart dates of one time, invalid ones included, by identity", () => {
    const table = new DateTable();
    const same = Array.from({ length: 50 }, () => new Date(5));
    const invalid = Array.from({ length: 50 }, () => new Date(NaN));
    const all = [...same, ...invalid];
    assert.deepStrictEqual(enter(table, all), all.map(() => -1));
    all.forEach((d, id) => assert.equal(table.findOrAdd(d, d.getTime(), -5), id));
    assert.equal(table.findOrAdd(new Date(5), 5, 100), -1);
    assert.equal(table.findOrAdd(new Date(NaN), NaN, 101), -1);
  });

  it("forgets every date when cleared, also after growing past what it keeps", () => {
    const table = new DateTable();
    for (const count of [3, 200_000, 3]) {
      const dates = Array.from({ length: count }, (_, i) => new Date(i));
      assert.deepStrictEqual(enter(table, dates), dates.map(() => -1));
      assert.equal(table.findOrAdd(dates[count - 1], count - 1, -5), count - 1);
      table.clear();
      assert.equal(table.findOrAdd(dates[0], 0, 7), -1);
      assert.equal(table.findOrAdd(dates[0], 0, 8), 7);
      table.clear();
    }
  });
});
