/**
 * Every offset of the shared control region, derived from named constants. The unit is in each
 * name (`_I32`: index into an `Int32Array`, `_BYTES`: bytes, `_U32`: index into a `Uint32Array`
 * relative to a slot). Each shared word names its single writer.
 *
 * Region = [host line][worker line][request slots][response slots]. The two lines hold the words
 * that each thread writes, so words written by different threads never share a cache line.
 *
 * @module
 */

/** Signal words written by different threads never share a cache line. */
export const CACHE_LINE_BYTES = 64;
const I32_BYTES = Int32Array.BYTES_PER_ELEMENT;
const HOST_LINE_I32 = 0;
const WORKER_LINE_I32 = CACHE_LINE_BYTES / I32_BYTES;

// --- Host line: single writer: host. ---
/** Requests published so far (a running count, wraps at 2^32). Single writer: host. */
export const REQ_WRITE_I32 = HOST_LINE_I32 + 0;
/** Bumped by the host to wake the worker (new requests, freed space, stop). Single writer: host. */
export const WORKER_BELL_I32 = HOST_LINE_I32 + 1;
/** Responses consumed so far. Single writer: host. */
export const RESP_READ_I32 = HOST_LINE_I32 + 2;
/** `HOST_RUNNING` or `HOST_WAITING` (parked in `waitAsync`). Single writer: host. */
export const HOST_STATE_I32 = HOST_LINE_I32 + 3;
/** 1 while the host holds calls that found no request slot or payload space. Single writer: host. */
export const HOST_WANTS_SPACE_I32 = HOST_LINE_I32 + 4;
/** 1 once the host asks the worker to leave its loop. Single writer: host. */
export const STOP_I32 = HOST_LINE_I32 + 5;
/** Abort notices published so far into the abort ring. Single writer: host. */
export const ABORT_WRITE_I32 = HOST_LINE_I32 + 6;
/**
 * Waits the host has begun so far (bumped before each store of `HostState.WAITING`), so that the
 * worker rings the host's bell at most once per wait for single answers. Single writer: host.
 */
export const HOST_WAITS_I32 = HOST_LINE_I32 + 7;
/**
 * First request number of the calls the host has withdrawn (taken back to run elsewhere) while
 * `FENCE_ON_I32` is 1: the worker answers such a request `WITHDRAWN` instead of running it.
 * Written before `FENCE_ON_I32`. Single writer: host.
 */
export const FENCE_I32 = HOST_LINE_I32 + 8;
/** 1 while `FENCE_I32` holds; no request is written to the lane meanwhile. Single writer: host. */
export const FENCE_ON_I32 = HOST_LINE_I32 + 9;

// --- Worker line: single writer: worker. ---
/** Requests consumed (taken out of their slot) so far. Single writer: worker. */
export const REQ_READ_I32 = WORKER_LINE_I32 + 0;
/** Bumped by the worker to wake the host (new responses, freed space). Single writer: worker. */
export const HOST_BELL_I32 = WORKER_LINE_I32 + 1;
/** Responses published so far. Single writer: worker. */
export const RESP_WRITE_I32 = WORKER_LINE_I32 + 2;
/** One of the `WORKER_*` states below. Single writer: worker. */
export const WORKER_STATE_I32 = WORKER_LINE_I32 + 3;
/** 1 while the worker holds responses that found no slot or payload space. Single writer: worker. */
export const WORKER_WANTS_SPACE_I32 = WORKER_LINE_I32 + 4;
/** Abort notices read so far from the abort ring. Single writer: worker. */
export const ABORT_READ_I32 = WORKER_LINE_I32 + 5;
/**
 * KiB in use on the worker's heap when it last measured (0: not measured), written only when the
 * pool recycles by memory (`recycle.memoryBytes`). KiB, so 2 TiB fit an i32. Single writer: worker.
 */
export const HEAP_KIB_I32 = WORKER_LINE_I32 + 6;

/** Bytes of the two signal lines at the start of the region. */
export const CONTROL_BYTES = 2 * CACHE_LINE_BYTES;

/**
 * Worker states, as seen by the host:
 *
 * ```
 * BOOTING -> RUNNING <-> PARKED
 *               |
 *               v
 *            STOPPED
 * ```
 * The host rings the worker's bell with `Atomics.notify` only in `PARKED`.
 */
export const WorkerState = {
  BOOTING: 0,
  RUNNING: 1,
  PARKED: 2,
  STOPPED: 3,
} as const;

/** Host states, as seen by the worker: it notifies the host only in `WAITING`. */
export const HostState = {
  RUNNING: 0,
  WAITING: 1,
} as const;

/**
 * Slots in each mailbox. A power of two so that a running count maps to a slot with a mask.
 * 1,024 rather than 256: with 1,024 calls in flight every call then goes straight into a slot
 * instead of through the host queue (measured: 1.1M to 2.9M calls/s on Node 24).
 */
export const SLOT_COUNT = 1024;
/** Bytes of one slot: a header and an inline value area. */
export const SLOT_BYTES = 64;
/** Bytes of a slot header. */
export const SLOT_HEADER_BYTES = 16;
/** Bytes of encoded value that travel inside the slot, without the payload buffer. */
export const INLINE_BYTES = SLOT_BYTES - SLOT_HEADER_BYTES;
/** Call id, chosen by the host. Slot header word; written by the slot's producer. */
export const SLOT_ID_U32 = 0;
/** Request: task index. Response: `ResponseStatus`. Written by the slot's producer. */
export const SLOT_META_U32 = 1;
/** Encoded value length in bytes. Written by the slot's producer. */
export const SLOT_LENGTH_U32 = 2;
/** Payload offset in bytes, or `INLINE_OFFSET` when the value sits in the slot. */
export const SLOT_OFFSET_U32 = 3;
/** `SLOT_OFFSET_U32` value for a value held inline. */
export const INLINE_OFFSET = 0xffffffff;

/** Byte offset of the request slots in the region. */
export const REQUEST_SLOTS_BYTES = CONTROL_BYTES;
/** Byte offset of the response slots in the region. */
export const RESPONSE_SLOTS_BYTES = REQUEST_SLOTS_BYTES + SLOT_COUNT * SLOT_BYTES;
/** Entries of the abort ring (a power of two): call ids the host has given up on. */
export const ABORT_RING_COUNT = 64;
/** Byte offset of the abort ring: `ABORT_RING_COUNT` u32 entries. Single writer: host. */
export const ABORT_RING_BYTES = RESPONSE_SLOTS_BYTES + SLOT_COUNT * SLOT_BYTES;
/** Set in an abort ring entry when the call was given up on because its timeout expired. */
export const ABORT_TIMEOUT_BIT = 0x80000000;
/**
 * Byte offset of the start stamps: for request number `n`, entry `n & (SLOT_COUNT - 1)` holds
 * two i32 words, `[n, ms]`: the call numbered `n` started at `ms` (whole milliseconds of
 * `performance.timeOrigin + performance.now()`, a clock all threads share, truncated to 32 bits).
 * Written only for calls with `TIMED_BIT`, so that the host can tell how long a call that timed
 * out has really run. Single writer: worker.
 */
export const STARTS_BYTES = ABORT_RING_BYTES + ABORT_RING_COUNT * Uint32Array.BYTES_PER_ELEMENT;
/** i32 words of one start stamp entry. */
export const START_ENTRY_I32 = 2;
/** Total bytes of a control region. */
export const REGION_BYTES = STARTS_BYTES + SLOT_COUNT * START_ENTRY_I32 * I32_BYTES;

/**
 * The call stamps of a pool that keeps task timings (`stats().tasks`), in a buffer of their own
 * per worker: for request number `n`, entry `n & (SLOT_COUNT - 1)` holds two f64 words, `[start,
 * end]`, the milliseconds of `performance.timeOrigin + performance.now()` (a clock all threads
 * share) when the task started and when its result (or error) was ready. Single writer: worker;
 * the host reads an entry once the call's answer has arrived, which the worker writes after both
 * stamps (an entry is not reused before: the worker takes no call while all of its answer slots
 * are full).
 */
export const CALL_STAMP_ENTRY_F64 = 2;
/** Bytes of a worker's call stamps buffer. */
export const CALL_STAMPS_BYTES = SLOT_COUNT * CALL_STAMP_ENTRY_F64 * Float64Array.BYTES_PER_ELEMENT;

/**
 * Set in `SLOT_META_U32` when the message has out-of-band items (see `out_of_band.ts`), which
 * arrive through the runtime's message channel under the same call id.
 */
export const OUT_OF_BAND_BIT = 0x40000000;
/** Set in `SLOT_META_U32` of a request whose call has a timeout: the worker stamps its start. */
export const TIMED_BIT = 0x20000000;
/**
 * Set in `SLOT_META_U32` of a request that is not a call but a stream message about the running
 * call with the slot's id; the bits below it hold its `StreamControl` kind. Stream messages are
 * never withdrawn, salvaged or answered: they concern a call the worker has already taken.
 */
export const CONTROL_BIT = 0x10000000;
/** The task index in `SLOT_META_U32` of a request, below the flag bits. */
export const TASK_MASK = CONTROL_BIT - 1;

/**
 * Kinds of stream messages from the host (requests with `CONTROL_BIT`), and what their value is.
 *
 * ```
 * output:  worker --YIELD--> host --CREDIT--> worker        (window: items yielded - consumed)
 * input:   host --INPUT_ITEM--> worker --INPUT_CREDIT--> host
 *          host --INPUT_END | INPUT_ERROR--> worker;  worker --INPUT_CLOSED--> host
 * ```
 */
export const StreamControl = {
  /** The caller has consumed this many items of the call's output so far (a running count). */
  CREDIT: 1,
  /** The next item of the call's input stream. */
  INPUT_ITEM: 2,
  /** The input stream ended. The value is undefined. */
  INPUT_END: 3,
  /** The input stream failed. The value is the error. */
  INPUT_ERROR: 4,
} as const;

/**
 * Items a stream's producer may run ahead of its consumer, by default. Each half window costs a
 * wake-up of the producer (9-22 us on a loaded 2-core machine), so small items need a large one;
 * memory is bounded by the bytes. It stays within `SLOT_COUNT`: a full window fits the mailbox.
 */
export const DEFAULT_WINDOW_ITEMS = 1024;
/**
 * Bytes of encoded items a stream's producer may run ahead of its consumer, by default. 4 MiB, not 1:
 * with 64 KiB items a 1 MiB window makes the producer wait for credit every 8 items, each wait a
 * wake-up of tens of microseconds (interleaved probe: 1.64-1.69 -> 2.03-2.05 GB/s on Node 24).
 */
export const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;

/** Response status codes, in `SLOT_META_U32` of a response. */
export const ResponseStatus = {
  /** The value is the task's result. */
  OK: 0,
  /** The value is the error the task threw or rejected with. */
  ERROR: 1,
  /** The call was aborted before it started; it never ran. The value is undefined. */
  SKIPPED: 2,
  /** The host withdrew the call (`FENCE_I32`) before it started; it never ran here. */
  WITHDRAWN: 3,
  /** Not an answer: an item the call's generator yielded. The call goes on. */
  YIELD: 4,
  /** Not an answer: a value the task passed to `ctx.progress`. The call goes on. */
  PROGRESS: 5,
  /** Not an answer: the task has consumed this many items of its input so far. */
  INPUT_CREDIT: 6,
  /** Not an answer: the task stopped reading its input; send no more. The value is undefined. */
  INPUT_CLOSED: 7,
  /** Not an answer: items the generator yielded, int32 numbers packed in the slot (`number_pack.ts`). */
  YIELD_INT32S: 8,
  /** Not an answer: items the generator yielded, float64 numbers packed in the slot. */
  YIELD_FLOAT64S: 9,
} as const;

/** True for a status that ends its call (an answer); false for the stream messages. */
export function isAnswer(status: number): boolean {
  return status >= 0 && status < ResponseStatus.YIELD;
}

/** Payload allocations are aligned to this many bytes, so any typed array can view them. */
export const PAYLOAD_ALIGN_BYTES = 8;
