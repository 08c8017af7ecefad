/**
 * Runs one benchmark process, passes its protocol lines to a callback as they arrive, keeps the
 * last few other lines it prints (to explain a failure), and kills it when it overruns its time
 * limit.
 *
 * @module
 */

import { type ChildMessage, decodeLine } from "./protocol.ts";

/** How a benchmark process ended. */
export interface ChildOutcome {
  code: number;
  timedOut: boolean;
  /** The last lines it printed outside the protocol (its error, when it failed). */
  tail: string[];
}

/** Runs `cmd`, calling `onMessage` per protocol line; kills it after `timeoutMs`. */
export async function runChild(
  cmd: string[],
  timeoutMs: number,
  onMessage: (message: ChildMessage) => void,
): Promise<ChildOutcome> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", FORCE_COLOR: "0" },
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const tail: string[] = [];
  const keep = (line: string) => {
    if (line.trim() === "") return;
    tail.push(line);
    if (tail.length > 8) tail.shift();
  };
  const read = async (stream: ReadableStream<Uint8Array>) => {
    let buffered = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      buffered += text;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const message = decodeLine(line);
        if (message !== undefined) onMessage(message);
        else keep(line);
      }
    }
    keep(buffered);
  };
  await Promise.all([read(child.stdout), read(child.stderr)]);
  const { code } = await child.status;
  clearTimeout(timer);
  return { code, timedOut, tail };
}
