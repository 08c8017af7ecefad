/**
 * Prompt token budgeting with `gpt-tokenizer` (the o200k_base encoding): each prompt is counted
 * and, when it is longer than a budget of 256 tokens, trimmed to its first words that fit, on the
 * main thread and on a weft pool, as a gateway does before it forwards a prompt to a model.
 *
 * Run: `deno task example tokens [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { countTokens, isWithinTokenLimit } from "gpt-tokenizer";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

const BUDGET = 256;

/** A prompt's token count, and the prompt as it fits the budget. */
export interface Budgeted {
  tokens: number;
  fitted: string;
}

/**
 * Counts `prompt`'s tokens and, when there are more than {@linkcode BUDGET}, keeps the longest run
 * of its first words that fits (a binary search over word counts).
 *
 * It trims by words rather than decoding the first tokens: gpt-tokenizer 4.0's `decode` keeps one
 * streaming `TextDecoder` for all calls and never flushes it, so a token slice that ends inside a
 * character leaves bytes behind that change the next call's text, and the result would depend on
 * what the same thread decoded before.
 */
export function budget(prompt: string): Budgeted {
  const tokens = countTokens(prompt);
  if (tokens <= BUDGET) return { tokens, fitted: prompt };
  const words = prompt.split(" ");
  let fits = 0;
  let over = words.length;
  while (over - fits > 1) {
    const mid = (fits + over) >>> 1;
    if (isWithinTokenLimit(words.slice(0, mid).join(" "), BUDGET) === false) over = mid;
    else fits = mid;
  }
  return { tokens, fitted: words.slice(0, fits).join(" ") };
}

export const budgetTask = task({ f: budget });

const WORDS = (
  "the pool sends each call through a shared mailbox so workers answer in microseconds while " +
  "the event loop keeps serving requests; tokenizers split text into sub-word pieces, numbers " +
  "like 1234567 and code such as const x = await fetch(url) or emoji 🚀 and accents café naïve"
).split(" ");

function promptOf(random: () => number): string {
  const length = 50 + Math.floor(random() * 600);
  return Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]).join(" ");
}

if (isMain) {
  const { quick, threads } = exampleOptions();
  const random = seeded(3);
  const prompts = Array.from({ length: quick ? 100 : 1000 }, () => promptOf(random));
  const pool = createPool({ threads })({ budgetTask });
  const result = await compare({
    name: `token budget of ${BUDGET}`,
    unit: "prompts",
    items: prompts,
    inline: budget,
    weft: (prompt) => pool.call.budgetTask(prompt),
    warmItems: 32,
  });
  await pool.close();
  const trimmed = result.results.filter((b) => b.tokens > BUDGET).length;
  console.log(`  ${trimmed} of ${prompts.length} prompts trimmed`);
  report("tokens", [result], { threads });
}
