/**
 * A web server that stays responsive: a Hono app with a cheap route (`/health`) and an expensive
 * one (`/page/:id`, a React page rendered on the server), loaded by a generator on 127.0.0.1 (its
 * own process, bounded in time and count). It runs three times: rendering inline on the event
 * loop, offloaded to weft, and (on Node) offloaded to piscina, and prints the cheap route's
 * latency and the expensive route's throughput for each.
 *
 * Hono serves through `Deno.serve` on Deno, `Bun.serve` on Bun and `@hono/node-server`
 * (`node:http`) on Node.
 *
 * Run: `deno task example server [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { Hono } from "hono";
import { createPool, isMain, task } from "../../mod.ts";
import { exampleOptions } from "../kit/compare.ts";
import { pageData, renderPage } from "../ssr/page.ts";

/** Renders product page `id` (its data made up from the id, where a real app would query it). */
export function renderProductPage(id: number): string {
  return renderPage(pageData(id, 100));
}

export const renderProductPageTask = task({ f: renderProductPage });

type Render = (id: number) => string | Promise<string>;

function app(render: Render): Hono {
  const hono = new Hono();
  hono.get("/health", (c) => c.json({ ok: true }));
  hono.get("/page/:id", async (c) => c.html(await render(Number(c.req.param("id")))));
  return hono;
}

interface Listening {
  port: number;
  close(): Promise<void>;
}

interface DenoServe {
  serve(
    options: { port: number; hostname: string; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { shutdown(): Promise<void> };
}

interface BunServe {
  serve(
    options: {
      port: number;
      hostname: string;
      fetch: (request: Request) => Response | Promise<Response>;
    },
  ): {
    port: number;
    stop(closeActive: boolean): Promise<void>;
  };
}

/** Serves `hono` on a free port of 127.0.0.1 with the runtime's own server. */
async function listen(hono: Hono): Promise<Listening> {
  const runtime = globalThis as { Deno?: DenoServe; Bun?: BunServe };
  if (runtime.Deno !== undefined) {
    const deno = runtime.Deno;
    return await new Promise((resolve) => {
      const server = deno.serve({
        port: 0,
        hostname: "127.0.0.1",
        onListen: ({ port }) => resolve({ port, close: () => server.shutdown() }),
      }, hono.fetch);
    });
  }
  if (runtime.Bun !== undefined) {
    const server = runtime.Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: hono.fetch });
    return { port: server.port, close: () => server.stop(true) };
  }
  const { serve } = await import("@hono/node-server");
  return await new Promise((resolve) => {
    const server = serve(
      { fetch: hono.fetch, port: 0, hostname: "127.0.0.1" },
      ({ port }) =>
        resolve({
          port,
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
    );
  });
}

interface Load {
  seconds: number;
  cheap: { count: number; errors: number; p50: number; p99: number };
  expensive: { count: number; errors: number; perSecond: number };
}

/** Runs the load generator against `port` in a process of the same runtime. */
function generateLoad(port: number, seconds: number, max: number): Promise<Load> {
  const script = new URL("./load.ts", import.meta.url).pathname;
  const args = "Deno" in globalThis ? ["run", "-A", script] : [script];
  const child = spawn(process.execPath, [...args, String(port), String(seconds), String(max)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => out += chunk);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(JSON.parse(out) as Load);
      else reject(new Error(`Cannot generate load: the generator exited with ${code}`));
    });
  });
}

/** One mode's run: the server, a check that its page is the one rendered here, then the load. */
async function measure(
  mode: string,
  render: Render,
  seconds: number,
): Promise<Load & { mode: string; same: boolean }> {
  const server = await listen(app(render));
  try {
    const page = await (await fetch(`http://127.0.0.1:${server.port}/page/7`)).text();
    const same = page === renderProductPage(7);
    const load = await generateLoad(server.port, seconds, 20_000);
    console.log(
      `${mode.padEnd(8)} /health p50 ${load.cheap.p50.toFixed(1).padStart(6)} ms, p99 ${
        load.cheap.p99.toFixed(1).padStart(6)
      } ms (${load.cheap.count} requests); /page ${
        load.expensive.perSecond.toFixed(0).padStart(5)
      } pages/s` +
        `${same ? "" : "; PAGE DIFFERS"}`,
    );
    return { mode, same, ...load };
  } finally {
    await server.close();
  }
}

if (isMain) {
  const { quick, threads } = exampleOptions();
  const seconds = quick ? 1 : 6;
  console.log(`Hono, ${seconds} s of load a mode: 2 requests in flight on /health, 8 on /page`);
  const modes = [];
  modes.push(await measure("inline", renderProductPage, seconds));
  const pool = createPool({ threads })({ renderProductPageTask });
  // Warm the workers: each imports React and compiles the page's code.
  await Promise.all(
    Array.from({ length: threads * 4 }, (_, i) => pool.call.renderProductPageTask(i)),
  );
  modes.push(await measure("weft", (id) => pool.call.renderProductPageTask(id), seconds));
  await pool.close();
  if (!("Deno" in globalThis) && !("Bun" in globalThis)) {
    const { Piscina } = await import("piscina");
    const piscina = new Piscina<number, string>({
      filename: new URL("./piscina_worker.ts", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
    });
    await Promise.all(Array.from({ length: threads * 4 }, (_, i) => piscina.run(i)));
    modes.push(await measure("piscina", (id) => piscina.run(id), seconds));
    await piscina.close();
  }
  const equal = modes.every((m) => m.same && m.cheap.errors === 0 && m.expensive.errors === 0);
  const inline = modes[0];
  const weft = modes[1];
  console.log(
    `weft against inline: /health p99 ${
      (inline.cheap.p99 / weft.cheap.p99).toFixed(1)
    }x lower, /page ${
      (weft.expensive.perSecond / inline.expensive.perSecond).toFixed(2)
    }x the throughput`,
  );
  console.log(`RESULT ${JSON.stringify({ example: "server", equal, threads, modes })}`);
  if (!equal) process.exitCode = 1;
}
