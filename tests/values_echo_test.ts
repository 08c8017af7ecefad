/**
 * Every kind of value of the codec's table, and seeded random nested values, sent through a real
 * worker and back, compared with `structuredClone` of the same value.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { echo } from "./fixtures/basic_tasks.ts";
import { mulberry32 } from "./memory/codec_helpers.ts";
import { int, randomValue } from "./memory/random_values.ts";
import { TABLE } from "./memory/value_table.ts";
import { ISOLATIONS } from "./fixtures/isolation.ts";

for (const isolation of ISOLATIONS) {
  describe(`values through a worker (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })({ echo });
    after(() => pool.shutdown());

    for (const [name, make] of TABLE) {
      it(`keeps ${name} as structuredClone does`, async () => {
        const value = make();
        assert.deepStrictEqual(await pool.call.echo(value), structuredClone(value));
      });
    }

    it("round-trips 150 seeded random nested values, 30 at a time", async () => {
      const rand = mulberry32(0x5eed);
      for (let batch = 0; batch < 5; batch++) {
        const values = Array.from({ length: 30 }, () => randomValue(rand, 1 + int(rand, 5)));
        const back = await Promise.all(values.map((v) => pool.call.echo(v)));
        back.forEach((out, i) => assert.deepStrictEqual(out, structuredClone(values[i])));
      }
    });

    it("keeps small Uint8Arrays whole, partial, and next to their own buffer", async () => {
      const whole = new Uint8Array([1, 2, 3]);
      assert.deepStrictEqual(await pool.call.echo(whole), whole);
      const backing = new Uint8Array([9, 8, 7, 6, 5]);
      const part = backing.subarray(1, 3);
      const back = (await pool.call.echo(part)) as Uint8Array;
      assert.deepStrictEqual(back, structuredClone(part));
      assert.equal(back.byteOffset, 1);
      assert.equal(back.buffer.byteLength, 5);
      const pair = (await pool.call.echo([whole, whole.buffer])) as [Uint8Array, ArrayBuffer];
      assert.equal(pair[1], pair[0].buffer);
      assert.deepStrictEqual([...pair[0]], [1, 2, 3]);
      assert.deepStrictEqual(await pool.call.echo(new Uint8Array(0)), new Uint8Array(0));
    });

    it("refuses a small Uint8Array over a detached buffer before dispatch", async () => {
      const bytes = new Uint8Array(4);
      bytes.buffer.transfer();
      await assert.rejects(pool.call.echo(bytes), TypeError);
    });
  });
}
