import { ArgumentError } from "@neurite/tensor-core";
import { InMemoryDataset } from "../dataset.js";
import { checkSeed, normals } from "../random.js";

/** Options shared by the 2-D toy generators. */
export interface ToyOptions {
  /** Number of points (default 200). */
  readonly n?: number;
  /** Standard deviation of the Gaussian noise added to each coordinate. */
  readonly noise?: number;
  /** Seed of the noise (default 0): the same seed gives the same points on every machine. */
  readonly seed?: number;
}

function check(op: string, n: number, noise: number, seed: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError({ op, argument: "n" }, `expected a positive integer, got ${n}`);
  if (!Number.isFinite(noise) || noise < 0) throw new ArgumentError({ op, argument: "noise" }, `expected a finite number ≥ 0, got ${noise}`);
  checkSeed(op, seed);
}

/** Builds a 2-feature, 1-label dataset; `point(i)` gives the noise-free point and class of point i. */
function toy(name: string, n: number, noise: number, seed: number, point: (i: number) => [number, number, number]): InMemoryDataset {
  const z = normals(seed, 2 * n);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const [a, b, label] = point(i);
    x[2 * i] = a + noise * z[2 * i]!;
    x[2 * i + 1] = b + noise * z[2 * i + 1]!;
    y[i] = label;
  }
  return new InMemoryDataset({ length: n, featureWidth: 2, labelWidth: 1, x, y, name, featureNames: ["x1", "x2"], labelNames: ["class"] });
}

/** i / (count − 1), or 0 for a single point. */
function fraction(i: number, count: number): number {
  return count > 1 ? i / (count - 1) : 0;
}

/**
 * Two interleaving half circles (as scikit-learn's make_moons): class 0 is the upper moon
 * (cos t, sin t), class 1 the lower (1 − cos t, 0.5 − sin t), t evenly spaced over [0, π]; first ⌊n/2⌋ points
 * of class 0, then class 1. Labels are 0/1 in a `[n, 1]` label column.
 *
 * ```ts
 * const moons = twoMoons({ n: 300, noise: 0.1, seed: 1 });
 * ```
 */
export function twoMoons(options: ToyOptions = {}): InMemoryDataset {
  const { n = 200, noise = 0.1, seed = 0 } = options;
  check("twoMoons", n, noise, seed);
  const outer = Math.floor(n / 2);
  const inner = n - outer;
  return toy("twoMoons", n, noise, seed, (i) => {
    if (i < outer) {
      const t = Math.PI * fraction(i, outer);
      return [Math.cos(t), Math.sin(t), 0];
    }
    const t = Math.PI * fraction(i - outer, inner);
    return [1 - Math.cos(t), 0.5 - Math.sin(t), 1];
  });
}

/**
 * A small circle inside a large one (as scikit-learn's make_circles): class 0 on the unit circle, class 1 on
 * the circle of radius `factor` (default 0.5), angles evenly spaced.
 *
 * ```ts
 * const rings = circles({ n: 200, noise: 0.05, factor: 0.4, seed: 2 });
 * ```
 */
export function circles(options: ToyOptions & { readonly factor?: number } = {}): InMemoryDataset {
  const { n = 200, noise = 0.05, seed = 0, factor = 0.5 } = options;
  check("circles", n, noise, seed);
  if (!(factor > 0 && factor < 1)) throw new ArgumentError({ op: "circles", argument: "factor" }, `expected a radius ratio in (0, 1), got ${factor}`);
  const outer = Math.floor(n / 2);
  const inner = n - outer;
  return toy("circles", n, noise, seed, (i) => {
    if (i < outer) {
      const t = (2 * Math.PI * i) / outer;
      return [Math.cos(t), Math.sin(t), 0];
    }
    const t = (2 * Math.PI * (i - outer)) / inner;
    return [factor * Math.cos(t), factor * Math.sin(t), 1];
  });
}

/**
 * Interleaved spiral arms, one per class (default 2): point j of arm k has radius r = j / (m − 1) and angle
 * 2π · turns · r + 2πk / classes, for m points per arm. Labels are class indices 0 … classes − 1.
 *
 * ```ts
 * const arms = spirals({ n: 300, classes: 3, noise: 0.02, seed: 4 });
 * ```
 */
export function spirals(options: ToyOptions & { readonly classes?: number; readonly turns?: number } = {}): InMemoryDataset {
  const { n = 200, noise = 0.02, seed = 0, classes = 2, turns = 1 } = options;
  check("spirals", n, noise, seed);
  if (!Number.isInteger(classes) || classes < 1) throw new ArgumentError({ op: "spirals", argument: "classes" }, `expected a positive integer, got ${classes}`);
  if (!Number.isFinite(turns) || turns <= 0) throw new ArgumentError({ op: "spirals", argument: "turns" }, `expected a positive number, got ${turns}`);
  const perArm = Math.ceil(n / classes);
  return toy("spirals", n, noise, seed, (i) => {
    const arm = Math.floor(i / perArm);
    const count = Math.min(perArm, n - arm * perArm);
    const r = fraction(i - arm * perArm, count);
    const angle = 2 * Math.PI * turns * r + (2 * Math.PI * arm) / classes;
    return [r * Math.cos(angle), r * Math.sin(angle), arm];
  });
}
