import { ArgumentError } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { harness, randomValues, seeded } from "../testing/helpers.js";

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("transpose", () => {
  it("swaps a matrix and permutes three axes", () => {
    const { backend, t, read } = harness();
    expect(read(backend.transpose(t(iota(6), [2, 3]), [1, 0], { shape: [3, 2], dtype: "float32" }))).toEqual([0, 3, 1, 4, 2, 5]);
    // out[a][b][c] = x[b][c][a] = 12b + 4c + a
    const out = read(backend.transpose(t(iota(24), [2, 3, 4], "int32"), [2, 0, 1], { shape: [4, 2, 3], dtype: "int32" }));
    const expected: number[] = [];
    for (let a = 0; a < 4; a++) for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) expected.push(12 * b + 4 * c + a);
    expect(out).toEqual(expected);
    expect(read(backend.transpose(t([7], []), [], { shape: [], dtype: "float32" }))).toEqual([7]);
  });
});

describe("broadcastTo", () => {
  it("repeats size-1 and missing leading dims", () => {
    const { backend, t, read } = harness();
    expect(read(backend.broadcastTo(t([1, 2, 3], [3, 1]), { shape: [2, 3, 2], dtype: "float32" }))).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    expect(read(backend.broadcastTo(t([1], [], "bool"), { shape: [2, 2], dtype: "bool" }))).toEqual([1, 1, 1, 1]);
    expect(read(backend.broadcastTo(t([4, 5], [2]), { shape: [0, 2], dtype: "float32" }))).toEqual([]);
  });
});

describe("slice", () => {
  it("takes a strided slice", () => {
    const { backend, t, read } = harness();
    const x = t(iota(24), [4, 6]);
    // rows 1 and 3, columns 0 and 3
    expect(read(backend.slice(x, [1, 0], [2, 3], { shape: [2, 2], dtype: "float32" }))).toEqual([6, 9, 18, 21]);
    expect(read(backend.slice(x, [0, 2], [1, 1], { shape: [4, 3], dtype: "float32" }))).toEqual([2, 3, 4, 8, 9, 10, 14, 15, 16, 20, 21, 22]);
    expect(read(backend.slice(x, [3, 5], [1, 1], { shape: [1, 1], dtype: "float32" }))).toEqual([23]);
  });

  it("returns an empty result when a begin sits at the end of its axis", () => {
    const { backend, t, read } = harness();
    expect(read(backend.slice(t(iota(24), [4, 6]), [4, 0], [1, 1], { shape: [0, 6], dtype: "float32" }))).toEqual([]);
  });
});

describe("pad", () => {
  it("pads before and after each axis with the value", () => {
    const { backend, t, read } = harness();
    const x = t([1, 2, 3, 4], [2, 2]);
    expect(read(backend.pad(x, [[1, 0], [0, 2]], 9, { shape: [3, 4], dtype: "float32" }))).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
    expect(read(backend.pad(t([1, 2], [2], "int32"), [[2, 1]], -1.5, { shape: [5], dtype: "int32" }))).toEqual([-1, -1, 1, 2, -1]);
    expect(read(backend.pad(t([0], [1], "bool"), [[1, 1]], 2, { shape: [3], dtype: "bool" }))).toEqual([1, 0, 1]);
    expect(read(backend.pad(t([], [0, 2]), [[1, 1], [0, 0]], 5, { shape: [2, 2], dtype: "float32" }))).toEqual([5, 5, 5, 5]);
  });
});

describe("concat", () => {
  it("joins along the first and a later axis, skipping empty inputs", () => {
    const { backend, t, read } = harness();
    const a = t([1, 2, 3, 4], [2, 2]);
    const b = t([5, 6], [2, 1]);
    const empty = t([], [2, 0]);
    expect(read(backend.concat([a, empty, b], 1, { shape: [2, 3], dtype: "float32" }))).toEqual([1, 2, 5, 3, 4, 6]);
    expect(read(backend.concat([a, t([7, 8], [1, 2])], 0, { shape: [3, 2], dtype: "float32" }))).toEqual([1, 2, 3, 4, 7, 8]);
  });

  it("copies long runs", () => {
    const { backend, t, read } = harness();
    const x = t(iota(200), [2, 100], "int32");
    const y = t(iota(200).map((v) => 1000 + v), [2, 100], "int32");
    const out = read(backend.concat([x, y], 1, { shape: [2, 200], dtype: "int32" }));
    const run = (start: number) => iota(100).map((v) => start + v);
    expect(out).toEqual([...run(0), ...run(1000), ...run(100), ...run(1100)]);
  });
});

describe("gather", () => {
  it("takes rows and columns, with repeats", () => {
    const { backend, t, read } = harness();
    const x = t([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(read(backend.gather(x, t([2, 0, 2], [3], "int32"), 0, { shape: [3, 2], dtype: "float32" }))).toEqual([5, 6, 1, 2, 5, 6]);
    expect(read(backend.gather(x, t([1, 1, 0], [3], "int32"), 1, { shape: [3, 3], dtype: "float32" }))).toEqual([2, 2, 1, 4, 4, 3, 6, 6, 5]);
    expect(read(backend.gather(x, t([], [0], "int32"), 0, { shape: [0, 2], dtype: "float32" }))).toEqual([]);
    const long = t(iota(300), [3, 100], "int32");
    expect(read(backend.gather(long, t([2], [1], "int32"), 0, { shape: [1, 100], dtype: "int32" }))).toEqual(iota(100).map((v) => v + 200));
  });

  it("throws an ArgumentError naming the bad index and its position", () => {
    const { backend, t } = harness();
    const x = t([1, 2, 3, 4, 5, 6], [3, 2]);
    const call = (indices: number[]) => () => backend.gather(x, t(indices, [indices.length], "int32"), 0, { shape: [indices.length, 2], dtype: "float32" });
    expect(call([0, 3])).toThrow(ArgumentError);
    expect(call([0, 3])).toThrow(/gather \(argument 'indices'\): index 3 at position 1 is out of range for axis 0 of size 3/);
    expect(call([1, 2, -1])).toThrow(/index -1 at position 2/);
    expect(backend.memory().buffers).toBe(4); // x and the three index tensors; no leaked output
  });
});

describe("scatterAdd", () => {
  it("adds updates into zeros, summing repeated indices", () => {
    const { backend, t, read } = harness();
    const updates = t([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(read(backend.scatterAdd(updates, t([2, 0, 2], [3], "int32"), 0, { shape: [3, 2], dtype: "float32" }))).toEqual([3, 4, 0, 0, 6, 8]);
    expect(read(backend.scatterAdd(updates, t([0, 0], [2], "int32"), 1, { shape: [3, 1], dtype: "float32" }))).toEqual([3, 7, 11]);
    expect(() => backend.scatterAdd(updates, t([0, 1, 2], [3], "int32"), 0, { shape: [2, 2], dtype: "float32" })).toThrow(ArgumentError);
  });

  it("is the adjoint of gather: ⟨gather(x), u⟩ = ⟨x, scatterAdd(u)⟩", () => {
    const rand = seeded(3);
    const { backend, t, read } = harness();
    const indices = [4, 0, 4, 2, 2, 4, 1];
    for (const axis of [0, 1, 2]) {
      const shape = [3, 5, 4];
      const gathered = shape.map((d, i) => (i === axis ? indices.length : d));
      const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
      const xv = randomValues(rand, size(shape));
      const uv = randomValues(rand, size(gathered));
      const valid = indices.map((i) => i % shape[axis]!);
      const idx = t(valid, [valid.length], "int32");
      const gx = read(backend.gather(t(xv, shape, "float64"), idx, axis, { shape: gathered, dtype: "float64" }));
      const su = read(backend.scatterAdd(t(uv, gathered, "float64"), idx, axis, { shape, dtype: "float64" }));
      const left = gx.reduce((s, v, i) => s + v * uv[i]!, 0);
      const right = su.reduce((s, v, i) => s + v * xv[i]!, 0);
      expect(Math.abs(left - right)).toBeLessThan(1e-12);
    }
  });
});
