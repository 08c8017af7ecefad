/**
 * A module of tasks for `importTask()`: only workers import it, so nothing here runs on the host.
 *
 * @module
 */

/** Parses JSON text. */
export function parse(text: string): unknown {
  return JSON.parse(text);
}
