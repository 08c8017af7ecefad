/**
 * React server-side rendering (`react-dom/server`'s `renderToString`), with and without gzip
 * (`node:zlib`'s `gzipSync`), on the main thread and on a weft pool: each call renders one product
 * page and returns the HTML, or the gzipped bytes ready to send. A call carries the page's id and
 * the worker builds its data (where an app would query it), as a server hands a request's route
 * to the renderer: sending each page's hundred products instead would cost the main thread about
 * as long to encode as a structured clone of them.
 *
 * Run: `deno task example ssr [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { gunzipSync, gzipSync } from "node:zlib";
import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report } from "../kit/compare.ts";
import { pageData, renderPage } from "./page.ts";

/** Product page `id`'s HTML. */
export function render(id: number): string {
  return renderPage(pageData(id, 100));
}

export const renderTask = task({ f: render });

/** Product page `id`'s HTML, gzipped. */
export function renderGzipped(id: number): Uint8Array {
  const gz = gzipSync(render(id));
  // A plain Uint8Array, so that both sides compare the same kind of value (Node's is a Buffer).
  return new Uint8Array(gz.buffer, gz.byteOffset, gz.byteLength);
}

export const renderGzippedTask = task({ f: renderGzipped });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const pages = Array.from({ length: quick ? 30 : 600 }, (_, i) => i + 1);
  const pool = createPool({ threads })({ renderTask, renderGzippedTask });
  const plain = await compare({
    name: "React SSR, 100 products a page",
    unit: "pages",
    items: pages,
    inline: render,
    weft: (id) => pool.call.renderTask(id),
    warmItems: 16,
  });
  const gzipped = await compare({
    name: "React SSR + gzip",
    unit: "pages",
    items: pages,
    inline: renderGzipped,
    weft: (id) => pool.call.renderGzippedTask(id),
    warmItems: 16,
  });
  await pool.close();
  // The gzipped bytes are the page: unpacked, they are the same HTML.
  const same = gunzipSync(gzipped.results[0]).toString() === plain.results[0];
  const html = plain.results[0].length;
  console.log(`  a page: ${html} bytes of HTML, ${gzipped.results[0].length} gzipped`);
  report("ssr", [plain, { ...gzipped, equal: gzipped.equal && same }], { threads });
}
