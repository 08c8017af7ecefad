/**
 * Markdown to HTML with `marked`: documents rendered on the main thread, then on a weft pool.
 *
 * Run: `deno task example markdown [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { marked } from "marked";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

/** Renders one Markdown document to HTML. */
export function render(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

export const renderTask = task({ f: render });

/** A document of `sections` sections with headings, lists, tables, code and links. */
function documentOf(seed: number, sections: number): string {
  const random = seeded(seed);
  const word = () =>
    [
      "weft",
      "thread",
      "mailbox",
      "slot",
      "pool",
      "task",
      "queue",
    ][Math.floor(random() * 7)];
  const words = (n: number) => Array.from({ length: n }, word).join(" ");
  const parts: string[] = [`# Document ${seed}`];
  for (let s = 0; s < sections; s++) {
    parts.push(
      `## ${words(3)}`,
      `${words(40)} **${words(2)}** and _${words(2)}_ [link](https://example.com/${s}).`,
    );
    parts.push(
      Array.from({ length: 6 }, () => `- ${words(6)} \`${word()}\``).join("\n"),
    );
    parts.push(
      "| a | b | c |\n|---|---|---|\n" +
        Array.from(
          { length: 5 },
          () => `| ${word()} | ${word()} | ${random().toFixed(3)} |`,
        ).join("\n"),
    );
    parts.push(
      "```ts\nconst x = " + JSON.stringify(words(4)) + ";\n```",
      `> ${words(20)}`,
    );
  }
  return parts.join("\n\n");
}

if (isMain) {
  const { quick, threads } = exampleOptions();
  const documents = Array.from(
    { length: quick ? 60 : 600 },
    (_, i) => documentOf(i, 12),
  );
  const pool = createPool({ threads })({ renderTask });
  const result = await compare({
    name: "markdown to HTML",
    unit: "documents",
    items: documents,
    inline: render,
    weft: (doc) => pool.call.renderTask(doc),
  });
  await pool.close();
  report("markdown", [result], { threads });
}
