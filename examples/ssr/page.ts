/**
 * A product listing page rendered with React on the server (`react-dom/server`), written with
 * `createElement` so that it runs as plain TypeScript on every runtime without a JSX step. Shared
 * by the SSR example and the server example.
 *
 * @module
 */

import { createElement as h, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { seeded } from "../kit/compare.ts";

/** What a page shows: a category of products. */
export interface PageData {
  category: string;
  products: { id: number; name: string; price: number; rating: number; tags: string[] }[];
}

/** `count` products in a category, the same for the same seed. */
export function pageData(seed: number, count: number): PageData {
  const random = seeded(seed);
  const tags = ["new", "sale", "eco", "bestseller", "limited"];
  return {
    category: `Category ${seed}`,
    products: Array.from({ length: count }, (_, i) => ({
      id: seed * 1000 + i,
      name: `Product ${seed}-${i}`,
      price: Math.round(random() * 50000) / 100,
      rating: Math.round(random() * 50) / 10,
      tags: tags.filter(() => random() < 0.3),
    })),
  };
}

function Product({ product }: { product: PageData["products"][number] }): ReactNode {
  return h(
    "li",
    { className: "product", "data-id": product.id },
    h("h3", null, product.name),
    h("p", { className: "price" }, `€${product.price.toFixed(2)}`),
    h(
      "p",
      { className: "rating", title: `${product.rating} of 5` },
      "★".repeat(Math.round(product.rating)),
    ),
    h("ul", { className: "tags" }, ...product.tags.map((t) => h("li", { key: t }, t))),
  );
}

function Page({ data }: { data: PageData }): ReactNode {
  return h(
    "html",
    { lang: "en" },
    h("head", null, h("meta", { charSet: "utf-8" }), h("title", null, data.category)),
    h(
      "body",
      null,
      h(
        "header",
        null,
        h("h1", null, data.category),
        h("nav", null, h("a", { href: "/" }, "Home")),
      ),
      h(
        "main",
        null,
        h(
          "ul",
          { className: "products" },
          ...data.products.map((p) => h(Product, { key: p.id, product: p })),
        ),
      ),
      h("footer", null, `${data.products.length} products`),
    ),
  );
}

/** The page's HTML. */
export function renderPage(data: PageData): string {
  return "<!doctype html>" + renderToString(h(Page, { data }));
}
