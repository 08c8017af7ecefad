/**
 * Collects samples from every run into figures: one per runtime, system, workload, variant and
 * metric, with every repetition's value and their median, min and max.
 *
 * @module
 */

import { median } from "../lib/stats.ts";
import type { Sample } from "../workloads/types.ts";

/** One figure over its repetitions. */
export interface Figure {
  runtime: string;
  system: string;
  workload: string;
  variant: string;
  metric: string;
  values: number[];
  median: number;
  min: number;
  max: number;
}

/** Figures in the order their samples first arrived (which is the workloads' variant order). */
export class Figures {
  #byKey = new Map<string, Figure>();

  /** Adds one sample's metrics from a run of `system` on `runtime`. */
  add(runtime: string, system: string, sample: Sample): void {
    for (const [metric, value] of Object.entries(sample.metrics)) {
      const key = [runtime, system, sample.workload, sample.variant, metric]
        .join("\u0000");
      let figure = this.#byKey.get(key);
      if (figure === undefined) {
        figure = {
          runtime,
          system,
          workload: sample.workload,
          variant: sample.variant,
          metric,
          values: [],
          median: NaN,
          min: NaN,
          max: NaN,
        };
        this.#byKey.set(key, figure);
      }
      figure.values.push(value);
      figure.median = median(figure.values);
      figure.min = Math.min(...figure.values);
      figure.max = Math.max(...figure.values);
    }
  }

  /** The figure, or undefined when that system did not run it. */
  get(
    runtime: string,
    system: string,
    workload: string,
    variant: string,
    metric: string,
  ): Figure | undefined {
    return this.#byKey.get(
      [runtime, system, workload, variant, metric].join("\u0000"),
    );
  }

  /** The median of a figure, or NaN. */
  median(
    runtime: string,
    system: string,
    workload: string,
    variant: string,
    metric: string,
  ) {
    return this.get(runtime, system, workload, variant, metric)?.median ?? NaN;
  }

  /** Every figure of `workload`. */
  of(workload: string): Figure[] {
    return [...this.#byKey.values()].filter((f) => f.workload === workload);
  }

  /** Every figure. */
  all(): Figure[] {
    return [...this.#byKey.values()];
  }
}
