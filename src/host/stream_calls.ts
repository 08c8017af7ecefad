/**
 * How a pool starts the calls that stream: generator tasks (the caller reads a `CallStream`),
 * calls whose argument is an `AsyncIterable` or `ReadableStream` (the task reads it as
 * `ctx.input`), calls with `onProgress`, and channels (`pool.open`). Every other call goes to the
 * dispatcher as it is, at no extra cost.
 *
 * @module
 */

import { DEFAULT_WINDOW_BYTES, DEFAULT_WINDOW_ITEMS, StreamControl } from "../memory/layout.ts";
import type { StreamWindows } from "../memory/stream_head.ts";
import { StreamFlag } from "../memory/tags.ts";
import type { CallOptions } from "./call_options.ts";
import { CallSink } from "./call_sink.ts";
import { CallChannel } from "./channel.ts";
import type { Dispatcher } from "./dispatcher.ts";
import { InputFeed, isInputStream, PushSource } from "./input_feed.ts";
import { CallStream } from "./stream_call.ts";

/** The windows a call's options ask for (bad options are refused by the dispatcher). */
function windows(options: CallOptions | undefined, flags: number): StreamWindows {
  const mark = typeof options === "object" && options !== null ? options.highWaterMark : undefined;
  const items = typeof mark?.items === "number" ? mark.items : DEFAULT_WINDOW_ITEMS;
  const bytes = typeof mark?.bytes === "number" ? mark.bytes : DEFAULT_WINDOW_BYTES;
  return { items, bytes, inputItems: (flags & StreamFlag.INPUT) !== 0 ? items : 0, flags };
}

function progressOf(options: CallOptions | undefined): ((value: unknown) => void) | undefined {
  const onProgress = typeof options === "object" && options !== null
    ? options.onProgress
    : undefined;
  return typeof onProgress === "function" ? onProgress : undefined;
}

/** A sink whose input, if any, reads `source`. */
function sinkFor(
  dispatcher: Dispatcher,
  options: CallOptions | undefined,
  source: AsyncIterable<unknown> | ReadableStream | undefined,
  window: number,
): CallSink {
  const sink = new CallSink(dispatcher);
  sink.onProgress = progressOf(options);
  if (source !== undefined) {
    sink.input = new InputFeed(source, window, {
      send: (kind, value) => sink.control(kind, value),
      fail: (error) => sink.giveUp(false, error),
    });
  }
  return sink;
}

/** Makes the call, and ends the sink of a call refused before it was made. */
function send(
  dispatcher: Dispatcher,
  task: number,
  arg: unknown,
  options: CallOptions | undefined,
  sink: CallSink,
  head: StreamWindows | undefined,
): Promise<unknown> {
  const result = dispatcher.call(task, arg, options, sink, head);
  result.then(undefined, () => {
    if (!sink.attached) sink.ended();
  });
  return result;
}

function outputOf(
  result: Promise<unknown>,
  sink: CallSink,
  window: StreamWindows,
): CallStream<unknown, unknown> {
  const output = new CallStream<unknown, unknown>(result, window, {
    credit: (consumed) => sink.control(StreamControl.CREDIT, consumed),
    cancel: () => sink.giveUp(true, undefined),
    poll: () => sink.poll(),
  });
  sink.output = output;
  return output;
}

/**
 * Calls task `task` (a generator task when `generator`): a `CallStream` for a generator task,
 * else the call's promise.
 */
export function startCall(
  dispatcher: Dispatcher,
  task: number,
  generator: boolean,
  arg: unknown,
  options: CallOptions | undefined,
): unknown {
  const input = isInputStream(arg);
  const onProgress = options === undefined ? undefined : progressOf(options);
  if (!generator && !input && onProgress === undefined) return dispatcher.call(task, arg, options);
  const head = generator || input
    ? windows(options, input ? StreamFlag.INPUT | StreamFlag.ARG_IS_INPUT : 0)
    : undefined;
  const items = head?.items ?? DEFAULT_WINDOW_ITEMS;
  const sink = sinkFor(dispatcher, options, input ? arg : undefined, items);
  const result = send(dispatcher, task, input ? undefined : arg, options, sink, head);
  // `head` is set for every generator task: the second test only tells the type checker so.
  return generator && head !== undefined ? outputOf(result, sink, head) : result;
}

/** Opens a channel to a call of task `task`. */
export function openChannel(
  dispatcher: Dispatcher,
  task: number,
  arg: unknown,
  options: CallOptions | undefined,
): CallChannel<unknown, unknown, unknown> {
  const head = windows(options, StreamFlag.INPUT);
  const source = new PushSource();
  const sink = sinkFor(dispatcher, options, source, head.items);
  sink.onEnded = () =>
    source.refuse(new Error("Cannot send value: the task has ended, received a value"));
  const result = send(dispatcher, task, arg, options, sink, head);
  return new CallChannel(outputOf(result, sink, head), source);
}
