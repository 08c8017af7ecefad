/**
 * The load generator of the server example, run as its own process so that its work never runs on
 * the server's event loop: `load.ts <port> <seconds> <max requests a route>`. It keeps a few
 * requests in flight on the cheap route and more on the expensive one until the time or the count
 * runs out, then prints one line of JSON and exits. It talks to 127.0.0.1 only.
 *
 * @module
 */

import process from "node:process";
import { summarize } from "../kit/loop_delay.ts";

const [port, seconds, max] = process.argv.slice(2).map(Number);
if (!(port > 0) || !(seconds > 0) || !(max > 0)) {
  throw new RangeError(
    `Cannot generate load: need <port> <seconds> <max>, received ${
      process.argv.slice(2).join(" ")
    }`,
  );
}
const base = `http://127.0.0.1:${port}`;
const end = performance.now() + seconds * 1000;

async function drive(
  path: (i: number) => string,
  inFlight: number,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const loop = async () => {
    while (performance.now() < end && issued < max) {
      const i = issued++;
      const start = performance.now();
      const response = await fetch(`${base}${path(i)}`);
      await response.arrayBuffer();
      if (response.ok) latencies.push(performance.now() - start);
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return { latencies, errors };
}

const started = performance.now();
const [cheap, expensive] = await Promise.all([
  drive(() => "/health", 2),
  drive((i) => `/page/${i % 50}`, 8),
]);
const elapsed = (performance.now() - started) / 1000;
const cheapDelay = summarize(cheap.latencies);
console.log(JSON.stringify({
  seconds: elapsed,
  cheap: {
    count: cheap.latencies.length,
    errors: cheap.errors,
    p50: cheapDelay.p50,
    p99: cheapDelay.p99,
  },
  expensive: {
    count: expensive.latencies.length,
    errors: expensive.errors,
    perSecond: expensive.latencies.length / elapsed,
  },
}));
