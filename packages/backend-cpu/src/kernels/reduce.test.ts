import { ArgumentError } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { harness } from "../testing/helpers.js";

const iota = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("reduce", () => {
  // x[i][j][k] = 12i + 4j + k
  it("sums over one, several (non-adjacent) and all axes", () => {
    const { backend, t, read } = harness();
    const x = t(iota(24), [2, 3, 4]);
    expect(read(backend.reduce("sum", x, [1], { shape: [2, 4], dtype: "float32" }))).toEqual([12, 15, 18, 21, 48, 51, 54, 57]);
    expect(read(backend.reduce("sum", x, [0, 2], { shape: [3], dtype: "float32" }))).toEqual([60, 92, 124]);
    expect(read(backend.reduce("sum", x, [2], { shape: [2, 3], dtype: "float32" }))).toEqual([6, 22, 38, 54, 70, 86]);
    expect(read(backend.reduce("sum", x, [0], { shape: [3, 4], dtype: "float32" }))).toEqual([12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34]);
    expect(read(backend.reduce("sum", x, [0, 1, 2], { shape: [], dtype: "float32" }))).toEqual([276]);
    expect(read(backend.reduce("sum", x, [], { shape: [2, 3, 4], dtype: "float32" }))).toEqual(iota(24));
  });

  it("takes max, min and prod", () => {
    const { backend, t, read } = harness();
    const x = t(iota(24), [2, 3, 4], "int32");
    expect(read(backend.reduce("max", x, [0, 2], { shape: [3], dtype: "int32" }))).toEqual([15, 19, 23]);
    expect(read(backend.reduce("min", x, [1], { shape: [2, 4], dtype: "int32" }))).toEqual([0, 1, 2, 3, 12, 13, 14, 15]);
    const y = t([1, 2, 3, 4], [2, 2]);
    expect(read(backend.reduce("prod", y, [0], { shape: [2], dtype: "float32" }))).toEqual([3, 8]);
    expect(read(backend.reduce("prod", y, [1], { shape: [2], dtype: "float32" }))).toEqual([2, 12]);
    expect(read(backend.reduce("max", t([-5, -2, -9], [3]), [0], { shape: [], dtype: "float32" }))).toEqual([-2]);
  });

  it("propagates NaN through max and min", () => {
    const { backend, t, read } = harness();
    const x = t([1, NaN, 3, 4, 5, 6], [2, 3]);
    expect(read(backend.reduce("max", x, [1], { shape: [2], dtype: "float32" }))).toEqual([NaN, 6]);
    expect(read(backend.reduce("min", x, [0], { shape: [3], dtype: "float32" }))).toEqual([1, NaN, 3]);
  });

  it("treats bool max as any and min as all", () => {
    const { backend, t, read } = harness();
    const x = t([0, 0, 0, 1, 1, 1], [3, 2], "bool");
    expect(read(backend.reduce("max", x, [1], { shape: [3], dtype: "bool" }))).toEqual([0, 1, 1]);
    expect(read(backend.reduce("min", x, [1], { shape: [3], dtype: "bool" }))).toEqual([0, 0, 1]);
  });

  it("gives the identity for zero-size reductions", () => {
    const { backend, t, read } = harness();
    const f = t([], [2, 0, 3]);
    const out = { shape: [2, 3], dtype: "float32" } as const;
    expect(read(backend.reduce("sum", f, [1], out))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read(backend.reduce("prod", f, [1], out))).toEqual([1, 1, 1, 1, 1, 1]);
    expect(read(backend.reduce("max", f, [1], out))).toEqual(Array<number>(6).fill(-Infinity));
    expect(read(backend.reduce("min", f, [0, 1, 2], { shape: [], dtype: "float32" }))).toEqual([Infinity]);
    const i = t([], [0, 2], "int32");
    expect(read(backend.reduce("min", i, [0], { shape: [2], dtype: "int32" }))).toEqual([2147483647, 2147483647]);
    expect(read(backend.reduce("max", i, [0], { shape: [2], dtype: "int32" }))).toEqual([-2147483648, -2147483648]);
    const b = t([], [0], "bool");
    expect(read(backend.reduce("max", b, [0], { shape: [], dtype: "bool" }))).toEqual([0]);
    expect(read(backend.reduce("min", b, [0], { shape: [], dtype: "bool" }))).toEqual([1]);
    // Reducing the other axis of an empty tensor gives an empty result.
    expect(read(backend.reduce("sum", f, [0, 2], { shape: [0], dtype: "float32" }))).toEqual([]);
  });

  it("reduces size-1 axes and scalars", () => {
    const { backend, t, read } = harness();
    expect(read(backend.reduce("sum", t([5], [1, 1]), [0], { shape: [1], dtype: "float32" }))).toEqual([5]);
    expect(read(backend.reduce("max", t([5], [1, 1]), [0, 1], { shape: [], dtype: "float32" }))).toEqual([5]);
    expect(read(backend.reduce("prod", t([-3], []), [], { shape: [], dtype: "float32" }))).toEqual([-3]);
    expect(read(backend.reduce("sum", t([1, 2, 3], [3, 1]), [1], { shape: [3], dtype: "float32" }))).toEqual([1, 2, 3]);
  });

  it("wraps int32 sum and prod around 32 bits", () => {
    const { backend, t, read } = harness();
    expect(read(backend.reduce("sum", t([2147483647, 1], [2], "int32"), [0], { shape: [], dtype: "int32" }))).toEqual([-2147483648]);
    // Along a non-last axis (elementwise accumulation path).
    const col = t([2147483647, 5, 1, 5], [2, 2], "int32");
    expect(read(backend.reduce("sum", col, [0], { shape: [2], dtype: "int32" }))).toEqual([-2147483648, 10]);
    expect(read(backend.reduce("prod", t([65536, 65536, 3], [3], "int32"), [0], { shape: [], dtype: "int32" }))).toEqual([0]);
    expect(read(backend.reduce("prod", t([65536, 3, 65536, 5], [2, 2], "int32"), [0], { shape: [2], dtype: "int32" }))).toEqual([0, 15]);
  });

  it("accumulates float32 sums in float64", () => {
    const { backend, t, read } = harness();
    // A float32 running sum would stay at 2²⁴ (adding 1 rounds back down); in float64 it reaches 2²⁴ + 2.
    expect(read(backend.reduce("sum", t([16777216, 1, 1], [3]), [0], { shape: [], dtype: "float32" }))).toEqual([16777218]);
    expect(read(backend.reduce("sum", t([16777216, 0, 1, 0, 1, 0], [3, 2]), [0], { shape: [2], dtype: "float32" }))).toEqual([16777218, 0]);
  });
});

describe("argReduce", () => {
  it("returns the first index of ties along the last axis", () => {
    const { backend, t, read } = harness();
    const x = t([1, 3, 3, 2, 2, 1], [2, 3]);
    expect(read(backend.argReduce("argmax", x, 1, { shape: [2], dtype: "int32" }))).toEqual([1, 0]);
    expect(read(backend.argReduce("argmin", x, 1, { shape: [2], dtype: "int32" }))).toEqual([0, 2]);
  });

  it("works along a leading axis with inner positions", () => {
    const { backend, t, read } = harness();
    const x = t([1, 5, 4, 5, 4, 0], [3, 2], "int32");
    expect(read(backend.argReduce("argmax", x, 0, { shape: [2], dtype: "int32" }))).toEqual([1, 0]);
    expect(read(backend.argReduce("argmin", x, 0, { shape: [2], dtype: "int32" }))).toEqual([0, 2]);
    // [2,3,2] along the middle axis: x[i][j][k] = values below.
    const y = t([0, 9, 7, 9, 7, 1, 3, 3, 3, 8, -1, 8], [2, 3, 2]);
    expect(read(backend.argReduce("argmax", y, 1, { shape: [2, 2], dtype: "int32" }))).toEqual([1, 0, 0, 1]);
    expect(read(backend.argReduce("argmin", y, 1, { shape: [2, 2], dtype: "int32" }))).toEqual([0, 2, 2, 0]);
  });

  it("points at the first NaN", () => {
    const { backend, t, read } = harness();
    const x = t([1, NaN, 5, NaN], [4]);
    expect(read(backend.argReduce("argmax", x, 0, { shape: [], dtype: "int32" }))).toEqual([1]);
    expect(read(backend.argReduce("argmin", x, 0, { shape: [], dtype: "int32" }))).toEqual([1]);
  });

  it("returns an empty result for empty outer dims and refuses an empty axis", () => {
    const { backend, t, read } = harness();
    expect(read(backend.argReduce("argmax", t([], [0, 3]), 1, { shape: [0], dtype: "int32" }))).toEqual([]);
    expect(() => backend.argReduce("argmax", t([], [2, 0]), 1, { shape: [2], dtype: "int32" })).toThrow(ArgumentError);
  });
});
