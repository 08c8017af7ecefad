/**
 * The server example's expensive route as a piscina worker file, for the comparison on Node.
 *
 * @module
 */

import { pageData, renderPage } from "../ssr/page.ts";

/** Renders product page `id`. */
export default function render(id: number): string {
  return renderPage(pageData(id, 100));
}
