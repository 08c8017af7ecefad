/**
 * Input streams (`call.x(stream)`, read as `ctx.input`), channels (`pool.open.x(arg)`) and
 * progress (`ctx.progress` to `onProgress`).
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createPool } from "../mod.ts";
import { type Isolation, ISOLATIONS } from "./fixtures/isolation.ts";
import * as streamTasks from "./fixtures/stream_tasks.ts";

const tasks = { ...streamTasks };

async function* numbers(n: number, onPull?: (i: number) => void): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    onPull?.(i);
    yield i;
  }
}

/** The cases that hold for `isolation` workers alike. */
function inputSuite(isolation: Isolation): void {
  describe(`an input stream (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })(tasks);
    after(() => pool.shutdown());

    it("reaches the task as an async iterable, in order", async () => {
      assert.equal(await pool.call.sum(numbers(1000)), 999 * 1000 / 2);
    });

    it("reads a ReadableStream", async () => {
      let i = 0;
      const stream = new ReadableStream<number>({
        pull: (controller) => {
          if (i === 100) controller.close();
          else controller.enqueue(i++);
        },
      });
      assert.equal(await pool.call.sum(stream), 99 * 100 / 2);
    });

    it("is read at most a window ahead of a task that does not read it", async () => {
      let pulled = 0;
      const source = numbers(1000, () => pulled++);
      assert.equal(await pool.call.idleReader(source, { highWaterMark: { items: 4 } }), 0);
      assert.ok(pulled >= 1 && pulled <= 4, `pulled ${pulled} items for a window of 4`);
    });

    it("stops pulling and releases the source when the task stops reading", async () => {
      let released = false;
      let pulled = 0;
      async function* endless(): AsyncGenerator<number> {
        try {
          for (let i = 0;; i++) {
            pulled++;
            yield i;
          }
        } finally {
          released = true;
        }
      }
      assert.deepEqual(await pool.call.readSome(endless(), { highWaterMark: { items: 8 } }), [
        0,
        1,
        2,
      ]);
      // The source is released when the host hears the task stopped (or the call ended).
      for (let i = 0; i < 100 && !released; i++) await new Promise((r) => setTimeout(r, 1));
      assert.ok(released, "the source was not released");
      assert.ok(pulled <= 3 + 8 + 1, `pulled ${pulled} items for a window of 8`);
    });

    it("fails the task's read with the source's error", async () => {
      async function* broken(): AsyncGenerator<number> {
        yield 1;
        throw new SyntaxError("bad input");
      }
      await assert.rejects(pool.call.sum(broken()), (err: Error) => {
        assert.ok(err instanceof SyntaxError);
        assert.equal(err.message, "bad input");
        return true;
      });
    });

    it("fails the call when an item cannot cross", async () => {
      async function* bad(): AsyncGenerator<unknown> {
        yield 1;
        yield { f: () => 1 };
      }
      await assert.rejects(pool.call.sum(bad() as AsyncIterable<number>), /item\.f/);
    });

    it("pipes a ReadableStream through a generator task and back", async () => {
      const words = ["weft", "streams", "both", "ways"];
      const source = new ReadableStream<string>({
        start: (controller) => {
          for (const w of words) controller.enqueue(w);
          controller.close();
        },
      });
      const out: string[] = [];
      await pool.call.upper(source).readable.pipeTo(
        new WritableStream({ write: (chunk) => void out.push(chunk) }),
      );
      assert.deepEqual(out, words.map((w) => w.toUpperCase()));
    });
  });

  describe(`a channel (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })(tasks);
    after(() => pool.shutdown());

    it("carries values both ways and resolves with the task's return value", async () => {
      const channel = pool.open.echoChannel("> ");
      const replies: unknown[] = [];
      for (const v of ["a", "b", "c"]) {
        await channel.send(v);
        replies.push((await channel.next()).value);
      }
      channel.close();
      assert.deepEqual(await channel.next(), { value: 3, done: true });
      assert.deepEqual(replies, ["> a", "> b", "> c"]);
      assert.equal(await channel, 3);
    });

    it("pipes web streams into and out of the task", async () => {
      const channel = pool.open.echoChannel("#");
      const input = new ReadableStream<number>({
        start: (controller) => {
          for (let i = 0; i < 50; i++) controller.enqueue(i);
          controller.close();
        },
      });
      const [, text] = await Promise.all([
        input.pipeTo(channel.writable),
        new Response(channel.readable.pipeThrough(new TextEncoderStream())).text(),
      ]);
      assert.equal(text, Array.from({ length: 50 }, (_, i) => `#${i}`).join(""));
      assert.equal(await channel, 50);
    });

    it("holds send() while the task has a window unread", async () => {
      const window = 4;
      const channel = pool.open.countingReader(undefined, { highWaterMark: { items: window } });
      for (let i = 0; i < 40; i++) {
        await channel.send(i);
        // What the task has read by the time it answers bounds what was sent ahead of it.
        const ahead = i + 1 - await pool.call.readCount();
        assert.ok(ahead <= window, `sent ${ahead} items ahead of a window of ${window}`);
      }
      channel.close();
      assert.equal(await channel, 40);
    });

    it("rejects sends once the task stops reading or has ended", async () => {
      const channel = pool.open.firstOnly();
      await channel.send("only");
      assert.deepEqual(await channel.next(), { value: "only", done: false });
      assert.deepEqual(await channel.next(), { value: "stopped", done: true });
      await assert.rejects(channel.send("late"), /Cannot send value: the task/);
    });

    it("ends the task's generator when the host stops reading", async () => {
      const before = await pool.call.finallyCount();
      const channel = pool.open.guarded();
      assert.deepEqual(await channel.next(), { value: 0, done: false });
      await channel.return();
      assert.equal(await pool.call.finallyCount(), before + 1);
    });

    it("fails the task's input with the reason when the writable is aborted", async () => {
      const channel = pool.open.echoChannel("");
      const writer = channel.writable.getWriter();
      await writer.write("x");
      assert.deepEqual(await channel.next(), { value: "x", done: false });
      await writer.abort(new URIError("gave up"));
      await assert.rejects(channel.next(), URIError);
    });
  });

  describe(`progress (${isolation} workers)`, () => {
    const pool = createPool({ threads: 1, isolation })(tasks);
    after(() => pool.shutdown());

    it("reaches onProgress in order without ending the call", async () => {
      const seen: unknown[] = [];
      const result = await pool.call.progressing(4, { onProgress: (v) => seen.push(v) });
      assert.equal(result, 4);
      assert.deepEqual(seen, [1, 2, 3, 4].map((done) => ({ done, of: 4 })));
    });

    it("fails the call when onProgress throws", async () => {
      await assert.rejects(
        pool.call.progressing(3, {
          onProgress: () => {
            throw new EvalError("no thanks");
          },
        }),
        EvalError,
      );
      assert.equal(await pool.call.progressing(1), 1);
    });

    it("refuses an onProgress that is not a function", async () => {
      await assert.rejects(
        pool.call.progressing(1, { onProgress: 5 as never }),
        /onProgress must be a function, received 5/,
      );
    });
  });
}

for (const isolation of ISOLATIONS) inputSuite(isolation);
