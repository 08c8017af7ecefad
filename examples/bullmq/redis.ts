/**
 * A Redis for the BullMQ example: the one named by `REDIS_URL` (or `--redis=redis://host:port`),
 * or else a `redis-server` of its own, started on a free loopback port with its files in a
 * temporary folder, no persistence, and stopped (folder removed) by `stop()`.
 *
 * @module
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Redis } from "ioredis";

/** A Redis to use, and how to let it go. */
export interface RedisHandle {
  url: string;
  /** Stops the server this example started; leaves one named by the user alone. */
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ping(url: string, deadline: number): Promise<void> {
  for (;;) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    // Refused connections are expected while the server starts; connect() rejects with them too.
    client.on("error", () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (err) {
      if (performance.now() > deadline) {
        throw new Error(`Cannot reach Redis at ${url}`, { cause: err });
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}

/** The URL the user named, if any. */
export function namedRedis(): string | undefined {
  const flag = process.argv.find((a) => a.startsWith("--redis="));
  return flag?.slice("--redis=".length) ?? process.env.REDIS_URL;
}

/** Whether `redis-server` can be started here. */
export function haveRedisServer(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** The user's Redis, or a fresh `redis-server` on 127.0.0.1. */
export async function startRedis(): Promise<RedisHandle> {
  const named = namedRedis();
  if (named !== undefined) {
    await ping(named, performance.now() + 5000);
    return { url: named, stop: () => Promise.resolve() };
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "weft-redis-"));
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--dir",
    dir,
    "--save",
    "",
    "--appendonly",
    "no",
  ];
  const server: ChildProcess = spawn("redis-server", args, { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => server.on("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  try {
    await ping(url, performance.now() + 10_000);
  } catch (err) {
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    stop: async () => {
      server.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
