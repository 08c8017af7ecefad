/**
 * Picks the runtime adapter, in one place. Deno and Bun are told apart by their globals; anything
 * else is taken to be Node, and must be a version weft supports.
 *
 * @module
 */

import type { DecodeTuning } from "../memory/decode_tuning.ts";
import type { Runtime } from "./adapter.ts";
import { BUFFER_UTF16, utf8Text } from "./buffer_strings.ts";
import { checkNodeVersion } from "./node_version.ts";
import { withWebWorkers } from "./web_worker.ts";
import { uninitializedBuffer, workerThreadsRuntime } from "./worker_threads.ts";

interface BunGlobal {
  gc(force: boolean): void;
}

function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === "function" ? () => gc() : undefined;
}

/**
 * From which sizes copies and strings go through the data channel rather than a mailbox, by
 * runtime (measured with `bench/`'s payload sweep and per-type suite, 64 calls in flight).
 * - A byte copy through a mailbox is copied twice and allocated once on the receiving side; moved
 *   through the channel it is copied and allocated once, on the sending side. That wins once the
 *   message's fixed cost is small beside the copy: at 64 KiB the mailbox was faster on all three
 *   runtimes, at 128 KiB they were even, and above it the channel won on V8 (on Bun: even).
 * - Node 24 pays more for the channel at 128 KiB than Deno: its copy into a fresh buffer and the
 *   garbage collections those buffers bring (twice as many per call as through the mailbox) cost
 *   more there than the mailbox's two copies through shared memory. In alternating runs 128 KiB
 *   echoed at 1.58 GB/s through the mailbox against 1.27 through the channel (postMessage: 1.54);
 *   from 256 KiB the channel won again (1.79 against 1.55), so Node's threshold is 256 KiB.
 * - Bun's channel shares strings without a copy; V8's copies them, slower than the mailbox does.
 *   On Bun the mailbox, which writes a string straight into the payload, was still faster up to
 *   8 KiB (1-2 KiB: 2.3x the channel's rate, 8 KiB: 1.3-1.7x) and even at 16-32 KiB.
 * - Every channel copies a bigint's digits natively; the mailbox converts them to hex and back.
 * - Deno's mailbox sends strings as UTF-8 (no fast UTF-16 copies there), so a non-ASCII string
 *   is transcoded each way, where V8's channel copies its units. Echo of the per-type suite's
 *   Cyrillic-and-emoji text, 64 in flight, CPU µs per call, median (range) of 6 windows of
 *   300-400 ms from 2 alternating processes per side, mailbox against channel: 4 KiB of UTF-8
 *   (2.3k units) 24 (20-28) against 36 (26-48); 8 KiB (4.6k units) 42 (32-51) against 41
 *   (37-47); 16 KiB 71 (47-79) against 47 (33-55); 64 KiB 329 (273-405) against 77 (64-81); 256
 *   KiB 1,188 (1,055-1,360) against 411 (319-1,185), 890 against 2,402 calls/s (postMessage
 *   2,164). So non-ASCII strings from 8k units take the channel. ASCII ones stay in the mailbox:
 *   at 256 KiB 176 (154-749) against 297 (228-494).
 */
const LARGE_BYTES = 128 * 1024;
const LARGE_BIGINT = 2n ** 32768n;
const OUT_OF_BAND = {
  deno: { bytes: LARGE_BYTES, string: Infinity, wideString: 8 * 1024, bigint: LARGE_BIGINT },
  node: { bytes: 2 * LARGE_BYTES, string: Infinity, wideString: Infinity, bigint: LARGE_BIGINT },
  bun: { bytes: LARGE_BYTES, string: 16 * 1024, wideString: Infinity, bigint: LARGE_BIGINT },
} as const;

/**
 * Deno 2.9's work-arounds. Its `TextDecoder` copies a view of shared memory element by element
 * first: a copy with `set`, then the decode, made mailbox strings 1.4-1.8x faster (256 B to 1
 * MiB). It records a trace for every error it constructs: clones of blank errors decoded a chain
 * of two errors in 3.2 µs against 15.1, of 256 errors in 0.39 ms against 2.1.
 */
const DENO_DECODING: DecodeTuning = { copySharedStrings: true, cloneErrors: true };

/**
 * Node's work-arounds. It zero-fills every new `ArrayBuffer`, which a copy that overwrites it all
 * need not wait for (64 KiB: 7.4 µs allocated zeroed, 3.1 µs not, Node 24). A stream of 64 KiB
 * chunks went from 2.02 to 2.37 GB/s (medians of 5 alternating processes, load 3.3-3.8). Deno and
 * Bun: no gain measured. Its `Buffer` copies UTF-16 units 2-10x faster than its `TextEncoder` and
 * `TextDecoder` transcode non-ASCII text to and from UTF-8 (see `utf16_copies.ts`), and decodes
 * UTF-8 faster than `TextDecoder` (see `decodeUtf8Through` in `byte_reader.ts`).
 */
const NODE_DECODING: DecodeTuning = {
  copySharedStrings: false,
  cloneErrors: false,
  uninitializedBuffer,
  utf16: BUFFER_UTF16,
  utf8: utf8Text,
};

/**
 * Bun's: its `Buffer` copies UTF-16 units faster than its `TextEncoder` and `TextDecoder`
 * transcode non-ASCII text (see `utf16_copies.ts`). A mailbox round trip of an 8 KiB Cyrillic
 * string took 5.7 µs against 11.5, of a 256 B one 0.89 against 1.29 (medians of 3 alternating
 * runs, one thread); strings from 16 KiB go around the mailbox on Bun anyway (`OUT_OF_BAND`).
 * JavaScriptCore's `Object.keys` of an array makes a string per index (32 elements: 1.39 µs,
 * against 0.19 on V8), where counting them with `for…in` costs about 22 ns each and 100 ns more
 * to start, so from 10 elements arrays are counted: encoding the per-type suite's 32 numbers took
 * 1.35 µs against 1.92, its 32 dates 1.45 against 2.32, its 16 strings 1.11 against 1.31 (CPU
 * time, one thread, medians of 3 alternating runs). V8's `Object.keys` is the cheaper there.
 * Its `Buffer` decodes ASCII faster than `TextDecoder` too (see `decodeUtf8Through`), and it
 * builds short strings slowly enough that finding them again pays (see `cacheShortStrings`).
 */
const BUN_DECODING: DecodeTuning = {
  copySharedStrings: false,
  cloneErrors: false,
  utf16: BUFFER_UTF16,
  countArrayKeysFrom: 10,
  utf8: utf8Text,
  shortStrings: true,
};

function detect(): Runtime {
  const bun = (globalThis as { Bun?: BunGlobal }).Bun;
  if (bun !== undefined) {
    return workerThreadsRuntime("bun", () => bun.gc(false), OUT_OF_BAND.bun, BUN_DECODING);
  }
  if ((globalThis as { Deno?: unknown }).Deno !== undefined) {
    return withWebWorkers(
      workerThreadsRuntime("deno", exposedGc(), OUT_OF_BAND.deno, DENO_DECODING),
    );
  }
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process;
  checkNodeVersion(node?.versions?.node);
  return workerThreadsRuntime("node", exposedGc(), OUT_OF_BAND.node, NODE_DECODING);
}

/** The runtime weft runs on. */
export const runtime: Runtime = detect();
