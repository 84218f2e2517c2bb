import { describe, expect, it } from "vitest";
import { EXACT, sharedPair, randomInts, randomValues, seeded, sizeOf, type Input } from "../testing/harness.js";

const pair = sharedPair();

const rand = seeded(31);
const f = (shape: number[]): Input => ({ values: randomValues(rand, sizeOf(shape)), shape });
const i32 = (shape: number[]): Input => ({ values: randomInts(rand, sizeOf(shape), -1e6, 1e6), shape, dtype: "int32" });
const bool = (shape: number[]): Input => ({ values: randomInts(rand, sizeOf(shape), 0, 2), shape, dtype: "bool" });

describe("transpose, broadcastTo and slice", () => {
  it("transposes every permutation of a 3-D tensor, in each dtype", async () => {
    const perms = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ];
    for (const make of [f, i32, bool]) {
      const x = make([2, 3, 4]);
      for (const perm of perms) {
        const shape = perm.map((p) => x.shape[p]!);
        await (await pair()).compare([x], (b, [t]) => b.transpose(t!, perm, { shape, dtype: x.dtype ?? "float32" }), EXACT, `perm ${perm.join("")}`);
      }
    }
    // Size-1 axes only move: a plain copy.
    const y = f([1, 5, 1]);
    await (await pair()).compare([y], (b, [t]) => b.transpose(t!, [2, 1, 0], { shape: [1, 5, 1], dtype: "float32" }), EXACT);
  });

  it("broadcasts to larger shapes", async () => {
    const x = i32([3, 1]);
    await (await pair()).compare([x], (b, [t]) => b.broadcastTo(t!, { shape: [2, 3, 4], dtype: "int32" }), EXACT);
    const s = f([]);
    await (await pair()).compare([s], (b, [t]) => b.broadcastTo(t!, { shape: [5], dtype: "float32" }), EXACT);
  });

  it("slices with begins and steps, and empty slices", async () => {
    const x = f([5, 6, 4]);
    await (await pair()).compare([x], (b, [t]) => b.slice(t!, [1, 0, 1], [2, 3, 2], { shape: [2, 2, 2], dtype: "float32" }), EXACT);
    // Leading rows: one contiguous range, copied without a shader.
    await (await pair()).compare([x], (b, [t]) => b.slice(t!, [2, 0, 0], [1, 1, 1], { shape: [3, 6, 4], dtype: "float32" }), EXACT);
    await (await pair()).compare([x], (b, [t]) => b.slice(t!, [5, 0, 0], [1, 1, 1], { shape: [0, 6, 4], dtype: "float32" }), EXACT);
  });
});

describe("concat and pad", () => {
  it("concatenates along each axis, skipping empty parts", async () => {
    const a = f([2, 3]);
    const b = f([2, 0]);
    const c = f([2, 2]);
    await (await pair()).compare([a, b, c], (k, [x, y, z]) => k.concat([x!, y!, z!], 1, { shape: [2, 5], dtype: "float32" }), EXACT);
    const d = bool([1, 3]);
    const e = bool([2, 3]);
    await (await pair()).compare([d, e], (k, [x, y]) => k.concat([x!, y!], 0, { shape: [3, 3], dtype: "bool" }), EXACT);
  });

  it("pads with a value in each dtype", async () => {
    const x = f([2, 3]);
    await (await pair()).compare([x], (b, [t]) => b.pad(t!, [[1, 2], [0, 1]], -1.5, { shape: [5, 4], dtype: "float32" }), EXACT);
    const y = i32([3]);
    await (await pair()).compare([y], (b, [t]) => b.pad(t!, [[2, 0]], 7, { shape: [5], dtype: "int32" }), EXACT);
    const z = bool([2, 2]);
    await (await pair()).compare([z], (b, [t]) => b.pad(t!, [[0, 1], [1, 1]], 1, { shape: [3, 4], dtype: "bool" }), EXACT);
  });
});

describe("gather and scatterAdd", () => {
  it("gathers along an axis with repeated indices", async () => {
    const x = f([4, 3, 2]);
    const idx: Input = { values: [2, 0, 2, 1], shape: [4], dtype: "int32" };
    await (await pair()).compare([x, idx], (b, [t, i]) => b.gather(t!, i!, 1, { shape: [4, 4, 2], dtype: "float32" }), EXACT);
    await (await pair()).compare([x, idx], (b, [t, i]) => b.gather(t!, i!, 0, { shape: [4, 3, 2], dtype: "float32" }), EXACT);
  });

  it("reports an out-of-range index at the next read, once, and never reads out of bounds", async () => {
    const x: Input = { values: [1, 2, 3], shape: [3], dtype: "int32" };
    const { gpu } = await pair();
    const idx = gpu.upload(Int32Array.from([1, 5, -1, 2]), "int32");
    const data = gpu.upload(Int32Array.from(x.values), "int32");
    const out = gpu.gather({ data, shape: [3], dtype: "int32" }, { data: idx, shape: [4], dtype: "int32" }, 0, { shape: [4], dtype: "int32" });
    await expect(gpu.read(out)).rejects.toThrow("gather (argument 'indices'): an index outside [0, size of the axis) reached a gather on backend 'webgpu'");
    expect(Array.from(await gpu.read(out))).toEqual([2, 0, 0, 3]); // reported once; the bad slots hold 0
    for (const d of [idx, data, out]) gpu.disposeData(d);
  });

  it("adds repeated indices deterministically (float32 and int32)", async () => {
    const idx: Input = { values: [1, 3, 1, 0, 1], shape: [5], dtype: "int32" };
    const u = f([2, 5, 3]);
    await (await pair()).compare([u, idx], (b, [t, i]) => b.scatterAdd(t!, i!, 1, { shape: [2, 4, 3], dtype: "float32" }), { atol: 1e-6, rtol: 1e-6 });
    const v = i32([5, 2]);
    await (await pair()).compare([v, idx], (b, [t, i]) => b.scatterAdd(t!, i!, 0, { shape: [4, 2], dtype: "int32" }), EXACT);
  });
});
