/**
 * The wire format of a process worker's pipes: frames of records, each record a kind, two u32
 * words and one value in the value codec's bytes (`codec.ts`, the same bytes a mailbox holds).
 * Everything one side has to say in one turn of its event loop goes out as one frame, in one
 * write, so a batch of calls costs one write and one read however many calls it holds.
 *
 * ```
 * frame:  [u32 body bytes][record][record]...
 * record: [u8 kind][u32 a][u32 b][value]
 * ```
 *
 * A stream call's value is its `StreamHead` (its windows and input flags, then the argument), in
 * the bytes a mailbox holds for it, and it reads back as one.
 *
 * A pipe delivers bytes in chunks of its own choosing: {@linkcode FrameReader} puts frames back
 * together from them.
 *
 * @module
 */

import { ByteReader } from "./byte_reader.ts";
import { ByteWriter } from "./byte_writer.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import { decodeStreamHead, encodeStreamHead, StreamHead } from "./stream_head.ts";
import { Tag } from "./tags.ts";

/** What a record says. `a` and `b` are its two words. */
export const PipeRecord = {
  /** Parent -> child, first: the worker's spawn data (the value); `a`, `b` unused. */
  INIT: 0,
  /**
   * Parent -> child: call `a` of task `b` with the value as its argument (a `StreamHead` for a
   * stream call).
   */
  CALL: 1,
  /** Parent -> child: call `a` was given up on; `b` is 1 when its timeout expired. */
  ABORT: 2,
  /** Child -> parent: the worker is ready to take calls. */
  READY: 3,
  /** Child -> parent: the worker could not start; the value is its report. */
  BOOT_ERROR: 4,
  /** Child -> parent: call `a` settled; `b` is 1 when it failed, and the value is the outcome. */
  ANSWER: 5,
  /** Child -> parent: the thread that runs the tasks died and was replaced. */
  RESPAWNED: 6,
  /**
   * Both ways: a stream message of call `a`, which goes on. Child -> parent, `b` is its
   * `ResponseStatus` (an item, progress, input credit or close); parent -> child, its
   * `StreamControl` kind (credit, an input item, the input's end or error).
   */
  STREAM: 7,
} as const;

/** How each record's value is named in errors. */
function rootOf(kind: number, b: number): string {
  if (kind === PipeRecord.ANSWER) return b === 0 ? "result" : "error";
  return kind === PipeRecord.STREAM ? "value" : "arg";
}

/** Bytes of a frame's length word. */
const FRAME_HEAD_BYTES = 4;

/** Collects the records of one frame. Single owner: the thread that writes the pipe. */
export class FrameWriter {
  readonly #w = new ByteWriter();
  #records = 0;

  constructor() {
    this.#w.u32(0);
  }

  /** Records added since the last {@linkcode FrameWriter.take}. */
  get size(): number {
    return this.#records;
  }

  /**
   * Adds one record.
   * @throws {TypeError} When the value cannot cross (the frame is left as it was).
   */
  add(kind: number, a: number, b: number, value: unknown): void {
    const w = this.#w;
    const mark = w.length;
    w.u8(kind);
    w.u32(a >>> 0);
    w.u32(b >>> 0);
    try {
      if (value instanceof StreamHead) encodeStreamHead(w, value, value.arg, "arg", undefined);
      else encodeValue(w, value, rootOf(kind, b));
    } catch (err) {
      w.length = mark;
      throw err;
    }
    this.#records++;
  }

  /** The frame of the records added so far (a copy); the writer starts a new one. */
  take(): Uint8Array {
    const w = this.#w;
    w.view.setUint32(0, w.length - FRAME_HEAD_BYTES, true);
    const frame = w.bytes.slice(0, w.length);
    w.reset();
    w.u32(0);
    this.#records = 0;
    return frame;
  }
}

/** A record read back: the fields of {@linkcode FrameWriter.add}. */
export type RecordListener = (kind: number, a: number, b: number, value: unknown) => void;

/** Puts frames back together from a pipe's chunks. Single owner: the thread that reads the pipe. */
export class FrameReader {
  #buffer = new Uint8Array(64 * 1024);
  /** Bytes held, from the start of `#buffer`. */
  #held = 0;
  readonly #reader = new ByteReader();

  /**
   * Takes one chunk and reports every record of every frame it completes, in order.
   * @throws {TypeError} When a frame's bytes are not a valid encoding.
   */
  push(chunk: Uint8Array, listener: RecordListener): void {
    this.#append(chunk);
    const bytes = this.#buffer;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (this.#held - at >= FRAME_HEAD_BYTES) {
      const end = at + FRAME_HEAD_BYTES + view.getUint32(at, true);
      if (end > this.#held) break;
      const r = this.#reader;
      r.reset(bytes, view, at + FRAME_HEAD_BYTES);
      while (r.pos < end) {
        const kind = r.u8();
        const a = r.u32();
        const b = r.u32();
        if (bytes[r.pos] !== Tag.STREAM_HEAD) listener(kind, a, b, decodeValue(r));
        else {
          r.pos++;
          listener(kind, a, b, decodeStreamHead(r, undefined));
        }
      }
      at = end;
    }
    if (at > 0) {
      bytes.copyWithin(0, at, this.#held);
      this.#held -= at;
    }
  }

  #append(chunk: Uint8Array): void {
    const need = this.#held + chunk.byteLength;
    if (need > this.#buffer.byteLength) {
      let size = this.#buffer.byteLength * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.#buffer.subarray(0, this.#held));
      this.#buffer = next;
    }
    this.#buffer.set(chunk, this.#held);
    this.#held = need;
  }
}
