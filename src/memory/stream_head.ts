/**
 * The head of a stream call's request: the windows both directions keep to, and whether the host
 * feeds the call an input stream. It travels in front of the call's argument in the same message
 * (`Tag.STREAM_HEAD`), so a stream call is one request like any other: it can wait in the host
 * queue, be withdrawn and sent again, or be salvaged from a dead worker, with its head.
 *
 * @module
 */

import type { ByteReader } from "./byte_reader.ts";
import type { ByteWriter } from "./byte_writer.ts";
import { decodeValue, encodeValue } from "./codec.ts";
import type { OutOfBand } from "./out_of_band.ts";
import { StreamFlag, Tag } from "./tags.ts";

/** What a stream request's head says. */
export interface StreamWindows {
  /** Items the worker may yield ahead of the caller's consumption. */
  readonly items: number;
  /** Bytes of encoded items the worker may yield ahead of the caller's consumption. */
  readonly bytes: number;
  /** Items of input the host may send ahead of the task's consumption (0: no input). */
  readonly inputItems: number;
  /** `StreamFlag` bits. */
  readonly flags: number;
}

/** A decoded stream request: its windows, its input flags and its argument. */
export class StreamHead implements StreamWindows {
  /** Items the worker may yield ahead of the caller's consumption. */
  readonly items: number;
  /** Bytes of encoded items the worker may yield ahead of the caller's consumption. */
  readonly bytes: number;
  /** Items of input the host may send ahead of the task's consumption (0: no input). */
  readonly inputItems: number;
  /** `StreamFlag` bits. */
  readonly flags: number;
  /** The call's argument. */
  readonly arg: unknown;

  constructor(items: number, bytes: number, inputItems: number, flags: number, arg: unknown) {
    this.items = items;
    this.bytes = bytes;
    this.inputItems = inputItems;
    this.flags = flags;
    this.arg = arg;
  }

  /** True when the host feeds the call an input stream. */
  get hasInput(): boolean {
    return (this.flags & StreamFlag.INPUT) !== 0;
  }

  /** True when the argument is the input stream itself. */
  get argIsInput(): boolean {
    return (this.flags & StreamFlag.ARG_IS_INPUT) !== 0;
  }
}

/** Bytes of the head before the argument: the tag, three u32 and the flags byte. */
const HEAD_BYTES = 14;

/** Writes the head of a stream request, then its argument, through the value codec. */
export function encodeStreamHead(
  w: ByteWriter,
  head: StreamWindows,
  arg: unknown,
  root: string,
  oob: OutOfBand | undefined,
): void {
  w.ensure(HEAD_BYTES);
  w.u8(Tag.STREAM_HEAD);
  w.u32(head.items);
  w.u32(head.bytes);
  w.u32(head.inputItems);
  w.u8(head.flags);
  encodeValue(w, arg, root, oob);
}

/** Reads a stream request whose tag `r` has just passed. */
export function decodeStreamHead(r: ByteReader, items: readonly unknown[] | undefined): StreamHead {
  const windowItems = r.u32();
  const windowBytes = r.u32();
  const inputItems = r.u32();
  const flags = r.u8();
  return new StreamHead(windowItems, windowBytes, inputItems, flags, decodeValue(r, items));
}
