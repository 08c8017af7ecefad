/**
 * A physics loop: gravitational n-body systems stepped with velocity Verlet, one system per call,
 * on the main thread and on a weft pool. The same floating-point operations in the same order give
 * bit-identical final states, so the check is exact.
 *
 * Run: `deno task example physics [--runtime node|bun|deno] [--quick]`
 *
 * @module
 */

import { createPool, isMain, task } from "../../mod.ts";
import { compare, exampleOptions, report, seeded } from "../kit/compare.ts";

/** A system to simulate: its seed, body count and steps. */
export interface System {
  seed: number;
  bodies: number;
  steps: number;
}

/** Final positions and velocities (x, y, z, vx, vy, vz per body) and the total energy. */
export interface Outcome {
  state: Float64Array;
  energy: number;
}

function accelerations(
  pos: Float64Array,
  mass: Float64Array,
  acc: Float64Array,
): void {
  const n = mass.length;
  acc.fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = pos[3 * j] - pos[3 * i];
      const dy = pos[3 * j + 1] - pos[3 * i + 1];
      const dz = pos[3 * j + 2] - pos[3 * i + 2];
      const d2 = dx * dx + dy * dy + dz * dz + 1e-3; // softened
      const inv = 1 / (d2 * Math.sqrt(d2));
      acc[3 * i] += dx * inv * mass[j];
      acc[3 * i + 1] += dy * inv * mass[j];
      acc[3 * i + 2] += dz * inv * mass[j];
      acc[3 * j] -= dx * inv * mass[i];
      acc[3 * j + 1] -= dy * inv * mass[i];
      acc[3 * j + 2] -= dz * inv * mass[i];
    }
  }
}

/** Simulates one system and returns where it ended. */
export function simulate({ seed, bodies, steps }: System): Outcome {
  const random = seeded(seed);
  const pos = Float64Array.from({ length: 3 * bodies }, () => random() * 2 - 1);
  const vel = Float64Array.from(
    { length: 3 * bodies },
    () => (random() - 0.5) * 0.1,
  );
  const mass = Float64Array.from(
    { length: bodies },
    () => 0.5 + random() / bodies,
  );
  const acc = new Float64Array(3 * bodies);
  const dt = 1e-3;
  accelerations(pos, mass, acc);
  for (let s = 0; s < steps; s++) {
    for (let k = 0; k < pos.length; k++) {
      vel[k] += 0.5 * dt * acc[k];
      pos[k] += dt * vel[k];
    }
    accelerations(pos, mass, acc);
    for (let k = 0; k < vel.length; k++) vel[k] += 0.5 * dt * acc[k];
  }
  let energy = 0;
  for (let i = 0; i < bodies; i++) {
    const v2 = vel[3 * i] ** 2 + vel[3 * i + 1] ** 2 + vel[3 * i + 2] ** 2;
    energy += 0.5 * mass[i] * v2;
    for (let j = i + 1; j < bodies; j++) {
      const d = Math.hypot(
        pos[3 * j] - pos[3 * i],
        pos[3 * j + 1] - pos[3 * i + 1],
        pos[3 * j + 2] - pos[3 * i + 2],
      );
      energy -= (mass[i] * mass[j]) / d;
    }
  }
  const state = new Float64Array(6 * bodies);
  for (let i = 0; i < bodies; i++) {
    state.set(pos.subarray(3 * i, 3 * i + 3), 6 * i);
    state.set(vel.subarray(3 * i, 3 * i + 3), 6 * i + 3);
  }
  return { state, energy };
}

export const simulateTask = task({ f: simulate });

if (isMain) {
  const { quick, threads } = exampleOptions();
  const systems = Array.from(
    { length: quick ? 40 : 400 },
    (_, i) => ({ seed: i + 1, bodies: 48, steps: 400 }),
  );
  const pool = createPool({ threads })({ simulateTask });
  const result = await compare({
    name: "n-body, 48 bodies x 400 steps",
    unit: "systems",
    items: systems,
    inline: simulate,
    weft: (system) => pool.call.simulateTask(system),
  });
  await pool.close();
  report("physics", [result], { threads });
}
