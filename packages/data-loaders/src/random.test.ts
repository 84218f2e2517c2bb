import { cpu } from "@neurite/backend-cpu";
import { philoxUniform, randomNormal, seedToKey, setBackend } from "@neurite/tensor-core";
import { describe, expect, test } from "vitest";
import { EPOCH_STRIDE, normals, permutation, UniformStream } from "./random.js";

/** The documented algorithm, written out again from philoxUniform alone. */
function referencePermutation(n: number, seed: number, offset: number): number[] {
  const u = philoxUniform(seedToKey(seed), offset, 2 * n);
  const order = Array.from({ length: n }, (_, i) => i);
  let k = 0;
  for (let i = n - 1; i > 0; i--) {
    const a = u[k++]! * 2 ** 24;
    const b = u[k++]! * 2 ** 24;
    const j = Math.min(i, Math.floor((a * 2 ** 24 + b) * 2 ** -48 * (i + 1)));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

describe("seeded randomness", () => {
  test("permutation follows the documented Fisher–Yates on Neurite's Philox stream", () => {
    for (const [n, seed, epoch] of [[8, 42, 0], [100, 1, 3], [5000, 2 ** 40 + 7, 1]] as const) {
      expect(Array.from(permutation(n, seed, epoch * EPOCH_STRIDE))).toEqual(referencePermutation(n, seed, epoch * EPOCH_STRIDE));
    }
  });

  test("a permutation holds every index once", () => {
    const p = Array.from(permutation(10_000, 3, 0)).sort((a, b) => a - b);
    expect(p).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  });

  test("nextIndex is uniform enough: each of 10 values about 1/10 of 100 000 draws", () => {
    const stream = new UniformStream(9);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[stream.nextIndex(10)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
  });

  test("normals are tensor-core's randomNormal with the same seed, computed in float64", async () => {
    await setBackend(cpu());
    const z = randomNormal([1000], { seed: 17 });
    const ours = normals(17, 1000);
    const theirs = z.dataSync();
    z.dispose();
    for (let i = 0; i < 1000; i++) expect(ours[i]).toBeCloseTo(theirs[i]!, 4);
  });
});
