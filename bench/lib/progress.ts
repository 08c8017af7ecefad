/**
 * The progress line of `deno task bench`: rewritten in place on a terminal, one line per step
 * otherwise (CI logs).
 *
 * @module
 */

const encoder = new TextEncoder();

/** Shows what runs now, with the elapsed time. */
export class Progress {
  #start = performance.now();
  #tty = Deno.stdout.isTerminal();
  #last = "";

  /** Seconds since the run started. */
  get seconds(): number {
    return (performance.now() - this.#start) / 1000;
  }

  /**
   * Shows `text` as the current step. Off a terminal, a line is printed only when `step` (default:
   * `text`) changes, so that logs get one line per workload rather than per variant.
   */
  show(text: string, step: string = text): void {
    const s = Math.floor(this.seconds);
    const line = `[${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}] ${text}`;
    if (this.#tty) {
      const width = Math.max(40, (Deno.consoleSize?.().columns ?? 120) - 1);
      Deno.stdout.writeSync(encoder.encode(`\r\x1b[K${line.slice(0, width)}`));
    } else if (step !== this.#last) {
      console.log(line);
    }
    this.#last = step;
  }

  /** Prints `text` on its own line, above the progress line. */
  log(text: string): void {
    if (this.#tty) Deno.stdout.writeSync(encoder.encode("\r\x1b[K"));
    console.log(text);
  }

  /** Clears the progress line. */
  done(): void {
    if (this.#tty) Deno.stdout.writeSync(encoder.encode("\r\x1b[K"));
  }
}
