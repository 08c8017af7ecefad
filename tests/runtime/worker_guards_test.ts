/**
 * A task cannot end the host process or its sibling workers: the calls that would fail with a
 * clear error, or (where the runtime ends only the thread) the worker ends and is replaced.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { after, describe, it } from "node:test";
import { createPool, WorkerCrashedError } from "../../mod.ts";
import * as tasks from "../fixtures/guard_tasks.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const pool = createPool({ threads: 2 })(tasks);
after(() => pool.shutdown());

/** Every worker still answers; the host's working directory is as it was. */
async function allWell(cwd: string): Promise<void> {
  assert.deepEqual(await Promise.all([pool.call.ping(), pool.call.ping()]), ["pong", "pong"]);
  assert.equal(process.cwd(), cwd);
}

describe("worker guards", () => {
  const cwd = process.cwd();

  it("refuse a signal to the host's process or a process group, and let a probe through", async () => {
    const refused = (pid: string) =>
      new RegExp(
        `^RangeError: Cannot send SIGTERM: a weft worker may not signal its own process \\(pid ${process.pid}, the host's\\) or a process group, received pid ${pid}$`,
      );
    await assert.rejects(pool.call.killHost(), (err: Error) => {
      assert.ok(err instanceof RangeError);
      assert.match(String(err), refused(String(process.pid)));
      return true;
    });
    await assert.rejects(pool.call.killGroup(0), refused("0"));
    await assert.rejects(pool.call.killGroup(-1), refused("-1"));
    assert.equal(await pool.call.probeHost(), true);
    await allWell(cwd);
  });

  it("leave process.abort and process.chdir failing as the runtime fails them in workers", async () => {
    await assert.rejects(pool.call.abort(), /process\.abort\(\) is not supported in workers/);
    await assert.rejects(pool.call.chdir("/"), /process\.chdir\(\) is not supported in workers/);
    await allWell(cwd);
  });

  it("end only the worker on process.exit, which is replaced", async () => {
    const respawns = pool.stats().respawns;
    await assert.rejects(pool.call.exit(3), (err: Error) => {
      assert.ok(err instanceof WorkerCrashedError);
      assert.match(err.message, /exited with code 3/);
      return true;
    });
    await allWell(cwd);
    assert.equal(pool.stats().respawns, respawns + 1);
  });

  it(
    `refuse Deno.kill of the host and Deno.chdir, and end only the worker on Deno.exit${
      isDeno ? "" : " (skipped: Deno only)"
    }`,
    { skip: !isDeno },
    async () => {
      await assert.rejects(
        pool.call.denoKillHost(),
        /^RangeError: Cannot send SIGKILL: a weft worker/,
      );
      await assert.rejects(
        pool.call.denoChdir("/"),
        /^Error: Cannot change directory: a weft worker shares its process's working directory with the host and the other workers, received "\/"$/,
      );
      await assert.rejects(pool.call.denoExit(4), WorkerCrashedError);
      await allWell(cwd);
    },
  );
});
