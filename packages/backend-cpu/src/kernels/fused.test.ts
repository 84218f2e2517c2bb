import type { FusedKernels, OutputSpec, TensorInfo } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { harness, randomValues, seeded } from "../testing/helpers.js";

describe("fused.matmulBiasActivation", () => {
  it("adds a broadcast bias, then applies the activation", () => {
    const { backend, t, read } = harness();
    const fused = (...args: Parameters<NonNullable<FusedKernels["matmulBiasActivation"]>>) => backend.fused!.matmulBiasActivation!(...args);
    const a = t([1, -2, 3, 4], [2, 2]);
    const eye = t([1, 0, 0, 1], [2, 2]);
    const out = { shape: [2, 2], dtype: "float32" } as const;
    const bias = t([1, -10], [2]);
    expect(read(fused(a, eye, bias, "linear", false, false, out))).toEqual([2, -12, 4, -6]);
    expect(read(fused(a, eye, bias, "relu", false, false, out))).toEqual([2, 0, 4, 0]);
    expect(read(fused(a, eye, null, "relu", false, false, out))).toEqual([1, 0, 3, 4]);
    expect(read(fused(a, eye, t([100, 200], [2, 1]), "linear", false, false, out))).toEqual([101, 98, 203, 204]);
    expect(read(fused(a, eye, null, "sigmoid", false, false, out))).toEqual([1, -2, 3, 4].map((v) => Math.fround(1 / (1 + Math.exp(-v)))));
    expect(read(fused(a, eye, null, "tanh", true, false, out))).toEqual([1, 3, -2, 4].map((v) => Math.fround(Math.tanh(v))));
  });

  it("matches matmul + add + activation, also when the bias makes the result bigger", () => {
    const rand = seeded(11);
    const { backend, t, read } = harness();
    const a = t(randomValues(rand, 2 * 3 * 4), [2, 3, 4], "float64");
    const b = t(randomValues(rand, 5 * 4), [5, 4], "float64");
    const product: OutputSpec = { shape: [2, 3, 5], dtype: "float64" };
    const composed = (bias: TensorInfo, out: OutputSpec): number[] => {
      const p = backend.matmul(a, b, false, true, product);
      const s = backend.binary("add", { data: p, ...product }, bias, out);
      return read(backend.unary("tanh", { data: s, ...out }, out));
    };
    const rowBias = t(randomValues(rand, 5), [5], "float64");
    expect(read(backend.fused!.matmulBiasActivation!(a, b, rowBias, "tanh", false, true, product))).toEqual(composed(rowBias, product));
    const big: OutputSpec = { shape: [4, 2, 3, 5], dtype: "float64" };
    const bigBias = t(randomValues(rand, 4), [4, 1, 1, 1], "float64");
    expect(read(backend.fused!.matmulBiasActivation!(a, b, bigBias, "tanh", false, true, big))).toEqual(composed(bigBias, big));
  });
});

describe("fused.softmax", () => {
  it("normalizes the last axis", () => {
    const { backend, t, read } = harness();
    const e = [1, Math.E, Math.E ** 2];
    const total = e[0]! + e[1]! + e[2]!;
    const expected = e.map((v) => v / total);
    const out = read(backend.fused!.softmax!(t([0, 1, 2, 3, 4, 5], [2, 3], "float64"), { shape: [2, 3], dtype: "float64" }));
    out.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i % 3]!, 14);
    });
  });

  it("is stable for large inputs and handles -Infinity, scalars and empty rows", () => {
    const { backend, t, read } = harness();
    const softmax = (x: TensorInfo, out: OutputSpec) => backend.fused!.softmax!(x, out);
    const big = read(softmax(t([1000, 1001, 1002], [3]), { shape: [3], dtype: "float32" }));
    const small = read(softmax(t([0, 1, 2], [3]), { shape: [3], dtype: "float32" }));
    expect(big).toEqual(small);
    expect(big.every(Number.isFinite)).toBe(true);
    expect(read(softmax(t([-Infinity, 0], [2]), { shape: [2], dtype: "float32" }))).toEqual([0, 1]);
    expect(read(softmax(t([3], []), { shape: [], dtype: "float32" }))).toEqual([1]);
    expect(read(softmax(t([], [2, 0]), { shape: [2, 0], dtype: "float32" }))).toEqual([]);
  });
});
