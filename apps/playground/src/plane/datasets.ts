import { circles, InMemoryDataset, normals, spirals, split, twoMoons, xor } from "@neurite/data-loaders";
import type { DatasetName } from "./config.js";

/** Points per data set: enough for a clear picture, few enough that a CPU step stays in the millisecond range. */
const POINTS = 400;
/** The fraction held out to show how well the boundary generalises. */
const TEST_FRACTION = 0.25;
/** The plane shown is [-EXTENT, EXTENT]²; the data is scaled to fill [-1, 1] of it. */
export const EXTENT = 1.25;

export interface PlaneData {
  readonly train: InMemoryDataset;
  readonly test: InMemoryDataset;
}

/**
 * XOR as a cloud: noisy copies of the four corners of `xor()` (a point near (0, 1) or (1, 0) is class 1),
 * so the boundary has something to fit between the corners.
 */
function noisyXor(n: number, noise: number, seed: number): InMemoryDataset {
  const corners = xor();
  const z = normals(seed, 2 * n);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const corner = i % corners.length;
    x[2 * i] = corners.x[2 * corner]! + noise * z[2 * i]!;
    x[2 * i + 1] = corners.x[2 * corner + 1]! + noise * z[2 * i + 1]!;
    y[i] = corners.y[corner]!;
  }
  return new InMemoryDataset({ length: n, featureWidth: 2, labelWidth: 1, x, y, name: "xor", featureNames: ["a", "b"], labelNames: ["a xor b"] });
}

/** Moves and scales the points (one factor for both axes, so shapes keep their proportions) into [-1, 1]². */
function fitToSquare(data: InMemoryDataset): InMemoryDataset {
  const lo = [Infinity, Infinity];
  const hi = [-Infinity, -Infinity];
  for (let i = 0; i < data.length; i++) {
    for (let d = 0; d < 2; d++) {
      const v = data.x[2 * i + d]!;
      lo[d] = Math.min(lo[d]!, v);
      hi[d] = Math.max(hi[d]!, v);
    }
  }
  const centre = [(lo[0]! + hi[0]!) / 2, (lo[1]! + hi[1]!) / 2];
  const half = Math.max(hi[0]! - lo[0]!, hi[1]! - lo[1]!) / 2 || 1;
  const x = new Float32Array(data.x.length);
  for (let i = 0; i < data.length; i++) {
    for (let d = 0; d < 2; d++) x[2 * i + d] = (data.x[2 * i + d]! - centre[d]!) / half;
  }
  return new InMemoryDataset({ length: data.length, featureWidth: 2, labelWidth: 1, x, y: data.y, name: data.name });
}

function generate(name: DatasetName, noise: number, seed: number): InMemoryDataset {
  switch (name) {
    case "spirals":
      return spirals({ n: POINTS, noise, seed, turns: 1.25 });
    case "twoMoons":
      return twoMoons({ n: POINTS, noise: noise * 3, seed });
    case "circles":
      return circles({ n: POINTS, noise: noise * 2, seed, factor: 0.5 });
    case "xor":
      return noisyXor(POINTS, 0.05 + noise * 4, seed);
  }
}

/**
 * The chosen 2-D data set, scaled into the plane and split into seeded train and test points. `noise` is on
 * the spirals' scale; the other sets multiply it so that one slider means about the same blur everywhere.
 *
 * ```ts
 * const { train, test } = planeData("spirals", 0.03, 1);
 * ```
 */
export function planeData(name: DatasetName, noise: number, seed: number): PlaneData {
  const { train, test } = split(fitToSquare(generate(name, noise, seed)), { test: TEST_FRACTION, seed });
  return { train, test };
}
