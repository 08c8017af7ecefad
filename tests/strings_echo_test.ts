/**
 * Strings of every kind through a real worker and back: ASCII, Latin-1, BMP, astral, lone
 * surrogates and empty, at the sizes where their path changes (inside a slot or in the payload;
 * UTF-8 or UTF-16, where the runtime sends non-ASCII text as UTF-16; at the payload's maximum),
 * alone and inside structured values.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { runtime } from "../src/runtime/detect.ts";
import { echo } from "./fixtures/basic_tasks.ts";
import { ISOLATIONS } from "./fixtures/isolation.ts";

/** `unit` repeated to exactly `n` UTF-16 units (a pair may be cut: a lone surrogate then). */
function text(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

const MAX_BYTES = 64 * 1024;
/** The longest string whose UTF-16 fits in the payload: 8 head bytes and 2 per unit. */
const WIDE_MAX_UNITS = (MAX_BYTES - 8) / 2;

/** Whether this runtime sends non-ASCII text as UTF-16 (Node, Bun). */
const WIDE = runtime.decoding.utf16 !== undefined;
/**
 * Whether a non-ASCII string of the maximum stays in the mailbox, within its size limit (not on
 * Bun, where large strings go around it, nor on Deno, where large non-ASCII ones do).
 */
const LIMITED = Math.min(runtime.outOfBand.string, runtime.outOfBand.wideString) > MAX_BYTES;

const KINDS: [string, string][] = [
  ["ASCII", "The quick brown fox. "],
  ["Latin-1", "Grüße, ça va très bien. "],
  ["BMP", "Привет, мир! 日本語 "],
  ["astral", "🌍🦔𝄞"],
  ["lone surrogates", "\ud800a\udfffé"],
  ["ASCII then BMP", "a".repeat(40) + "日本語"],
  // A decoder drops a leading U+FEFF unless told not to; structured clone keeps it.
  ["byte order mark first", "\ufeffBOM "],
];
/** Inside a slot, at the slot's edge, below and above the UTF-16 and alignment limits, large. */
const SIZES = [1, 15, 16, 32, 33, 43, 44, 255, 256, 4096, 20_000];

for (const isolation of ISOLATIONS) {
  describe(`strings through a worker (${isolation} workers)`, () => {
    const pool = createPool({
      threads: 1,
      isolation,
      payload: { payloadInitialBytes: 16 * 1024, payloadMaxByteLength: MAX_BYTES },
    })({ echo });
    after(() => pool.shutdown());

    it("keeps the empty string", async () => {
      assert.equal(await pool.call.echo(""), "");
      assert.deepEqual(await pool.call.echo({ s: "" }), { s: "" });
    });

    for (const [name, unit] of KINDS) {
      it(`keeps ${name} strings of every size, alone and in values`, async () => {
        const values = SIZES.map((n) => text(unit, n));
        const back = await Promise.all(values.map((v) => pool.call.echo(v)));
        back.forEach((out, i) => assert.equal(out, values[i], `${SIZES[i]} units`));
        const nested = { list: values.slice(0, 9), map: new Map([[values[4], values[8]]]) };
        assert.deepEqual(await pool.call.echo(nested), nested);
      });
    }

    it("fits a non-ASCII string in the maximum as UTF-16 or as UTF-8, whichever fits", async () => {
      const narrow = "é" + "a".repeat(WIDE_MAX_UNITS + 1000);
      const values: unknown[] = [narrow, [narrow]];
      // Three bytes a unit in UTF-8: beyond the maximum unless it goes as UTF-16 (or around it).
      const wide = text("日本語", WIDE_MAX_UNITS);
      if (WIDE || !LIMITED) values.push(wide);
      else await assert.rejects(pool.call.echo(wide), RangeError);
      for (const value of values) assert.deepEqual(await pool.call.echo(value), value);
    });

    it("refuses a string that fits in the maximum neither way", { skip: !LIMITED }, async () => {
      const value = text("日本語", WIDE_MAX_UNITS + 1);
      await assert.rejects(pool.call.echo(value), RangeError);
      await assert.rejects(pool.call.echo([value]), RangeError);
      assert.equal(await pool.call.echo("still fine"), "still fine");
    });
  });
}
