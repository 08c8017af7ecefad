/**
 * Starting, watching and replacing the workers of a pool. A worker that dies is replaced at once;
 * its calls are handed back to the dispatcher first (`laneDied`), which re-sends the ones the
 * worker never took and rejects the ones it had started. Workers that die before they are ready
 * count as failed starts: after `MAX_START_FAILURES` in a row the pool gives up instead of
 * respawning in a tight loop.
 *
 * @module
 */

import { WorkerCrashedError, WorkerStartError } from "../errors.ts";
import { allocateLink, type PayloadOptions } from "../memory/region.ts";
import type { ResourceLimits, Runtime, WorkerProcessOptions } from "../runtime/adapter.ts";
import type { Permissions } from "../runtime/permissions.ts";
import { HostLink } from "../transport/link.ts";
import {
  type BootstrapRef,
  WORKER_MARK,
  type WorkerInit,
  type WorkerMessage,
} from "../worker/init.ts";
import type { TaskRef } from "../worker/registry.ts";
import type { BalancerName } from "./balancer.ts";
import type { ElasticBounds } from "./elastic.ts";
import type { RecycleLimits } from "./recycle.ts";
import type { InlinerSettings } from "./inline_lane.ts";
import { Lane, type LaneEvents } from "./lane.ts";
import type { TaskTimings } from "./task_stats.ts";

/** Failed starts in a row after which a pool stops replacing workers. */
export const MAX_START_FAILURES = 3;

/** Everything a pool needs to start its workers. */
export interface DispatcherConfig {
  runtime: Runtime;
  entryUrl: URL;
  /** Workers started with the pool. */
  threads: number;
  /** Set for an elastic pool (`threads: { min, max, idleTimeout }`). */
  elastic?: ElasticBounds;
  /** Set when workers are recycled (`recycle: { afterCalls?, memoryBytes? }`). */
  recycle?: RecycleLimits;
  /** Set when the host runs calls too (`inliner`): its settings and each task's function. */
  inline?: { settings: InlinerSettings; fns: readonly ((arg: never) => unknown)[] };
  modules: string[];
  tasks: TaskRef[];
  /** Default timeout of each task in ms (0: none). */
  timeouts: number[];
  payload: PayloadOptions;
  spinMicroseconds: number;
  parkMicroseconds: number;
  gcOnIdle: boolean;
  /** Microseconds the host may check for responses right after publishing, before it waits. */
  hostSpinMicroseconds: number;
  /** Most calls that may wait in the host queue. */
  maxQueue: number;
  /** How calls are spread over the lanes. */
  balancer: BalancerName;
  /** Milliseconds a timed-out task has to stop before its worker is ended. */
  timeoutGrace: number;
  /** Node's per-worker memory limits. */
  resourceLimits: ResourceLimits | undefined;
  /** Awaited in each worker before its task modules load. */
  bootstrap?: BootstrapRef;
  /** The workers' `env`, `argv` and `execArgv`. */
  process?: WorkerProcessOptions;
  /** Where task timings are kept, if they are. */
  timings?: TaskTimings;
  /** What the workers may do (Deno threads); undefined: the host's own permissions. */
  permissions?: Permissions;
  /**
   * A call whose signal aborts with a `TimeoutError` times out as if its own clock had expired
   * (in a process worker's child, whose host owns the clocks): its worker is ended when the task
   * does not stop within `timeoutGrace`.
   */
  timeoutsAsAborts?: boolean;
}

/** What the workers report to the dispatcher. */
export interface WorkerOwner extends LaneEvents {
  laneReady(lane: Lane): void;
  laneDied(lane: Lane, reason: Error): void;
  broken(reason: Error): void;
  lanesChanged(): void;
}

/** The worker threads of one pool. */
export class Workers {
  readonly lanes: Lane[] = [];
  /** Workers started to replace ones that died. */
  respawns = 0;
  readonly #config: DispatcherConfig;
  readonly #owner: WorkerOwner;
  #startFailures = 0;
  /** Set once the pool stops or breaks: no more respawns. */
  #done = false;
  /** Lanes whose replacement is starting (see `replace`), by the replacement's index. */
  readonly #replacing = new Map<number, Lane>();

  constructor(config: DispatcherConfig, owner: WorkerOwner) {
    this.#config = config;
    this.#owner = owner;
    for (let i = 0; i < config.threads; i++) this.lanes.push(this.#spawn(i));
  }

  /** Ends the worker of `lane` and replaces it; its calls settle with `reason` or move on. */
  kill(lane: Lane, reason: Error): void {
    this.#died(lane, reason);
  }

  /**
   * Starts one more worker, in the first place a retired one left (or after the last).
   * @returns Its lane, or undefined once the pool has stopped.
   */
  grow(): Lane | undefined {
    if (this.#done) return undefined;
    let index = this.lanes.findIndex((lane) => !lane.alive);
    if (index < 0) index = this.lanes.length;
    const lane = this.#spawn(index);
    this.lanes[index] = lane;
    return lane;
  }

  /**
   * Ends the worker of `lane`, which has nothing in flight, without replacing it: its place stays
   * empty (a dead lane) until a worker is added there, and empty places at the end are dropped.
   */
  retire(lane: Lane): void {
    lane.dead();
    lane.link.stop();
    void lane.handle.terminate();
    const lanes = this.lanes;
    while (lanes.length > 0 && !lanes[lanes.length - 1].alive) lanes.pop();
  }

  /**
   * Starts a replacement for `lane`, whose worker goes on serving until the replacement is ready
   * (see `replacementReady`). Should `lane`'s worker die meanwhile, it is not replaced again.
   * @returns false once the pool has stopped.
   */
  replace(lane: Lane): boolean {
    const fresh = this.grow();
    if (fresh === undefined) return false;
    this.#replacing.set(fresh.index, lane);
    return true;
  }

  /**
   * The worker of `lane` is ready: if it replaces another lane (a replacement that failed to
   * start and was started again keeps its place), that lane, which it forgets.
   */
  replacementReady(lane: Lane): Lane | undefined {
    const old = this.#replacing.get(lane.index);
    this.#replacing.delete(lane.index);
    return old;
  }

  /** Stops every worker; resolves once all are gone. */
  stopAll(): Promise<void> {
    this.#done = true;
    const gone = this.lanes.map((lane) => {
      lane.link.stop();
      lane.dead();
      return lane.handle.terminate();
    });
    return Promise.all(gone).then(() => {});
  }

  #spawn(index: number): Lane {
    const config = this.#config;
    const buffers = allocateLink(config.payload);
    const init: WorkerInit = {
      mark: WORKER_MARK,
      buffers,
      modules: config.modules,
      tasks: config.tasks,
      spinMicroseconds: config.spinMicroseconds,
      parkMicroseconds: config.parkMicroseconds,
      gcOnIdle: config.gcOnIdle,
      measureHeap: config.recycle?.memoryBytes !== undefined,
      bootstrap: config.bootstrap,
      stamps: config.timings?.stampsBuffer(),
    };
    const handle = config.runtime.spawn(config.entryUrl, {
      ...config.process,
      workerData: init,
      name: `weft-${index}`,
      resourceLimits: config.resourceLimits,
      permissions: config.permissions,
      // The bootstrap module is loaded like a task module, so it must be readable too.
      modules: config.bootstrap === undefined
        ? config.modules
        : [...config.modules, config.bootstrap.href],
    });
    handle.unref();
    const lane = new Lane(
      index,
      new HostLink(buffers),
      handle,
      this.#owner,
      config.hostSpinMicroseconds,
    );
    if (init.stamps !== undefined) lane.stamps = new Float64Array(init.stamps);
    handle.onMessage((message) => this.#onMessage(lane, message as WorkerMessage));
    handle.onData((message) => lane.receive(message));
    handle.onError((error) =>
      this.#died(
        lane,
        new WorkerCrashedError(
          `Cannot finish call: worker ${index} died of an uncaught error: ${
            (error as Error)?.message ?? error
          }`,
          { cause: error },
        ),
      )
    );
    handle.onExit((code) =>
      this.#died(
        lane,
        new WorkerCrashedError(
          `Cannot finish call: worker ${index} exited with code ${code} while the call was running`,
          { cause: code },
        ),
      )
    );
    return lane;
  }

  #onMessage(lane: Lane, message: WorkerMessage): void {
    if (message.type === "ready") {
      lane.ready = true;
      this.#startFailures = 0;
      this.#owner.laneReady(lane);
      return;
    }
    // A process worker replaced the thread that runs its tasks (its own crash recovery).
    if (message.type === "respawned") {
      this.respawns++;
      return;
    }
    const cause = Object.assign(new Error(message.message), {
      name: message.name,
      stack: message.stack,
    });
    // Every worker imports the same modules (and runs the same bootstrap), so none of them can
    // serve: end them all.
    const what = message.bootstrap !== undefined
      ? `bootstrap "${message.bootstrap}" of ${message.module}`
      : `importing ${message.module}`;
    this.#giveUp(
      new WorkerStartError(`Cannot start worker: ${what} failed: ${message.message}`, { cause }),
    );
  }

  #giveUp(reason: Error): void {
    if (this.#done) return;
    this.#done = true;
    this.#owner.broken(reason);
    for (const lane of this.lanes) {
      lane.dead();
      void lane.handle.terminate();
    }
  }

  #died(lane: Lane, reason: Error): void {
    if (!lane.alive || this.lanes[lane.index] !== lane) return;
    // Answers the worker wrote before it died still count.
    lane.drainNow();
    this.#owner.laneDied(lane, reason);
    lane.dead();
    // Where a runtime cannot end a thread that runs a synchronous loop (Deno), the worker leaves
    // its loop by itself, and its thread ends, once the task returns.
    lane.link.stop();
    void lane.handle.terminate();
    if (this.#done) return;
    // A worker whose replacement is already starting leaves its place empty.
    for (const old of this.#replacing.values()) {
      if (old === lane) return this.#owner.lanesChanged();
    }
    if (!lane.ready && ++this.#startFailures >= MAX_START_FAILURES) {
      this.#giveUp(
        new WorkerStartError(
          `Cannot start worker: ${this.#startFailures} workers in a row died before they were ready (last: ${reason.message})`,
          { cause: reason },
        ),
      );
      return;
    }
    this.lanes[lane.index] = this.#spawn(lane.index);
    this.respawns++;
    this.#owner.lanesChanged();
  }
}
