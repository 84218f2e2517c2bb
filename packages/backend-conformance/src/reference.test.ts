import { describe, expect, it } from "vitest";
import { compareValues, expected } from "./check.js";
import { ConformanceFailure } from "./case.js";
import { activationRef, softmaxRef } from "./reference/activations.js";
import { conv2dRef, geometry, poolRef } from "./reference/conv.js";
import { binaryRef, castRef, unaryRef, whereRef } from "./reference/elementwise.js";
import { matmulRef } from "./reference/matmul.js";
import { concatRef, gatherRef, padRef, scatterAddRef, sliceRef, stridedSliceRef, transposeRef } from "./reference/movement.js";
import { nd } from "./reference/nd.js";
import { argReduceRef, logSumExpRef, reduceRef } from "./reference/reduce.js";
import { Rng } from "./rng.js";

// The reference is the yardstick for every backend, so it is checked here against values worked out by hand.

describe("elementwise reference", () => {
  it("broadcasts, wraps int32 and rounds float32", () => {
    expect(binaryRef("add", nd([2, 1], [10, 20]), nd([3], [1, 2, 3]), "float64")).toEqual(nd([2, 3], [11, 12, 13, 21, 22, 23]));
    expect(binaryRef("mul", nd([2], [65536, 46341]), nd([2], [65536, 46341]), "int32").values).toEqual([0, -2147479015]);
    expect(binaryRef("add", nd([], [2147483647]), nd([], [1]), "int32").values).toEqual([-2147483648]);
    const sum = binaryRef("add", nd([], [Math.fround(0.1)]), nd([], [Math.fround(0.2)]), "float32").values[0];
    expect(sum).toBe(Math.fround(Math.fround(0.1) + Math.fround(0.2)));
    expect(binaryRef("less", nd([3], [1, 2, 3]), nd([], [2]), "float32").values).toEqual([1, 0, 0]);
  });

  it("follows the table for unary ops", () => {
    expect(unaryRef("round", nd([4], [2.5, 3.5, -2.5, 0.4]), "float32").values).toEqual([2, 4, -2, 0]);
    expect(unaryRef("neg", nd([1], [-2147483648]), "int32").values).toEqual([-2147483648]);
    expect(unaryRef("isNaN", nd([2], [NaN, 1]), "float32").values).toEqual([1, 0]);
  });

  it("selects with where and converts with cast", () => {
    expect(whereRef(nd([2, 1], [1, 0]), nd([2], [1, 2]), nd([], [9]), "int32")).toEqual(nd([2, 2], [1, 2, 9, 9]));
    expect(castRef(nd([4], [1.7, -1.7, NaN, 0]), "int32").values).toEqual([1, -1, 0, 0]);
    expect(castRef(nd([3], [0, NaN, -2]), "bool").values).toEqual([0, 1, 1]);
  });
});

describe("reduction reference", () => {
  const x = nd([2, 3], [1, 2, 3, 4, 5, 6]);

  it("reduces listed axes, with identities for empty ones", () => {
    expect(reduceRef("sum", x, [0], "float32")).toEqual(nd([3], [5, 7, 9]));
    expect(reduceRef("prod", x, [1], "float32", true)).toEqual(nd([2, 1], [6, 120]));
    expect(reduceRef("max", x, [0, 1], "float32")).toEqual(nd([], [6]));
    expect(reduceRef("max", nd([0, 2], []), [0], "int32").values).toEqual([-2147483648, -2147483648]);
    expect(reduceRef("min", nd([0], []), [0], "bool").values).toEqual([1]);
    expect(reduceRef("max", nd([3], [1, NaN, 2]), [0], "float32").values).toEqual([NaN]);
  });

  it("takes the first extreme, and the first NaN, in arg-reductions", () => {
    expect(argReduceRef("argmax", nd([2, 3], [1, 3, 3, NaN, 2, NaN]), 1).values).toEqual([1, 0]);
    expect(argReduceRef("argmin", nd([2, 2], [4, 1, 1, 4]), 0).values).toEqual([1, 0]);
  });

  it("computes logSumExp stably", () => {
    expect(logSumExpRef(nd([2], [1000, 1000]), [0], "float64").values[0]).toBeCloseTo(1000 + Math.LN2, 12);
  });
});

describe("matmul reference", () => {
  const a = nd([2, 2], [1, 2, 3, 4]);
  const b = nd([2, 2], [5, 6, 7, 8]);

  it("multiplies, transposes and broadcasts batches", () => {
    expect(matmulRef(a, b, false, false, "float32")).toEqual(nd([2, 2], [19, 22, 43, 50]));
    expect(matmulRef(a, b, true, false, "float32")).toEqual(nd([2, 2], [26, 30, 38, 44]));
    expect(matmulRef(a, b, false, true, "float32")).toEqual(nd([2, 2], [17, 23, 39, 53]));
    const batched = matmulRef(nd([2, 1, 1, 2], [1, 0, 0, 1]), nd([3, 2, 1], [1, 2, 3, 4, 5, 6]), false, false, "float32");
    expect(batched).toEqual(nd([2, 3, 1, 1], [1, 3, 5, 2, 4, 6]));
    expect(matmulRef(nd([2, 0], []), nd([0, 3], []), false, false, "float32")).toEqual(nd([2, 3], [0, 0, 0, 0, 0, 0]));
  });
});

describe("movement reference", () => {
  const x = nd([2, 3], [1, 2, 3, 4, 5, 6]);

  it("transposes, slices and pads", () => {
    expect(transposeRef(x, [1, 0])).toEqual(nd([3, 2], [1, 4, 2, 5, 3, 6]));
    expect(sliceRef(x, [0, 1], [1, 1], [2, 2])).toEqual(nd([2, 2], [2, 3, 5, 6]));
    expect(stridedSliceRef(nd([10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), [1], [8], [3]).values).toEqual([1, 4, 7]);
    expect(padRef(nd([2], [1, 2]), [[1, 2]], 0).values).toEqual([0, 1, 2, 0, 0]);
  });

  it("concatenates, gathers and scatters", () => {
    expect(concatRef([x, nd([2, 1], [7, 8])], 1)).toEqual(nd([2, 4], [1, 2, 3, 7, 4, 5, 6, 8]));
    expect(gatherRef(x, [1, 1, 0], 0)).toEqual(nd([3, 3], [4, 5, 6, 4, 5, 6, 1, 2, 3]));
    expect(scatterAddRef(nd([3], [1, 2, 3]), [2, 0, 2], 0, [3]).values).toEqual([2, 0, 4]);
  });
});

describe("convolution and pooling reference", () => {
  const ramp = nd([1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i));

  it("pads 'same' the usual way", () => {
    expect(geometry(7, 8, [3, 3], [2, 2], [1, 1], "same")).toEqual({ outH: 4, outW: 4, padTop: 1, padLeft: 0 });
    expect(geometry(5, 5, [3, 3], [1, 1], [2, 2], "valid")).toEqual({ outH: 1, outW: 1, padTop: 0, padLeft: 0 });
  });

  it("convolves directly", () => {
    const ones = nd([3, 3, 1, 1], new Array<number>(9).fill(1));
    const spec = { stride: [1, 1] as const, dilation: [1, 1] as const, padding: "valid" as const };
    expect(conv2dRef(ramp, ones, spec, "float32").result.values).toEqual([45, 54, 81, 90]);
  });

  it("pools, ignoring padding", () => {
    const spec = { stride: [2, 2] as const, dilation: [1, 1] as const, padding: "valid" as const };
    expect(poolRef("max", ramp, [2, 2], spec, "float32").values).toEqual([5, 7, 13, 15]);
    const padded = { stride: [1, 1] as const, dilation: [1, 1] as const, padding: 1 };
    // Top-left 3×3 window with one pixel of padding covers pixels 0, 1, 4, 5.
    expect(poolRef("avg", ramp, [3, 3], padded, "float32").values[0]).toBe(2.5);
  });
});

describe("activation reference", () => {
  it("matches the definitions", () => {
    expect(activationRef("sigmoid", nd([1], [0]), "float64").values).toEqual([0.5]);
    expect(activationRef("leakyRelu", nd([2], [-2, 3]), "float64").values).toEqual([-0.02, 3]);
    expect(activationRef("softplus", nd([1], [1000]), "float64").values).toEqual([1000]);
    const s = softmaxRef(nd([2, 3], [1, 2, 3, 1000, 1000, 1000]), 1, "float64");
    expect(s.values[0]! + s.values[1]! + s.values[2]!).toBeCloseTo(1, 12);
    expect(s.values[3]).toBeCloseTo(1 / 3, 12);
    const l = softmaxRef(nd([3], [1, 2, 3]), 0, "float64", true);
    expect(Math.exp(l.values[2]!)).toBeCloseTo(softmaxRef(nd([3], [1, 2, 3]), 0, "float64").values[2]!, 12);
  });
});

describe("comparison", () => {
  it("names the worst element and the bound it broke", () => {
    const want = expected(nd([2, 2], [1, 2, 3, 4]), "float32", { atol: 1e-5, rtol: 1e-5 });
    expect(() => compareValues("t", [1, 2, 3, 4], want, [])).not.toThrow();
    let error: unknown;
    try {
      compareValues("t", [1, 2.5, 3, 4.1], want, []);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConformanceFailure);
    const message = (error as Error).message;
    expect(message).toContain("t: 2 of 4 elements differ; worst: expected 2, got 2.5");
    expect(message).toContain("worst element: index [0, 1] (flat 1)");
  });

  it("matches NaN with NaN only and scales the tolerance", () => {
    expect(() => compareValues("t", [NaN], expected(nd([1], [NaN]), "float32", { atol: 0, rtol: 0 }), [])).not.toThrow();
    expect(() => compareValues("t", [0], expected(nd([1], [NaN]), "float32", { atol: 1, rtol: 1 }), [])).toThrow(/expected NaN, got 0/);
    expect(() => compareValues("t", [Infinity], expected(nd([1], [1e38]), "float32", { atol: 1, rtol: 1 }), [])).toThrow(ConformanceFailure);
    const scaled = expected(nd([1], [0]), "float32", { atol: 0, rtol: 1e-4 }, nd([1], [100]));
    expect(() => compareValues("t", [0.005], scaled, [])).not.toThrow();
    expect(() => compareValues("t", [0.02], scaled, [])).toThrow(/scale 100/);
  });
});

describe("Rng", () => {
  it("is deterministic per name and stays in range", () => {
    const a = Rng.from("case");
    const b = Rng.from("case");
    const xs = Array.from({ length: 100 }, () => a.next());
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.next()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(Rng.from("other").next()).not.toBe(xs[0]);
    expect(new Rng(1).range(50, "int32", -3, 3).every((v) => Number.isInteger(v) && v >= -3 && v <= 3)).toBe(true);
    expect(new Rng(1).range(5, "float32").every((v) => v === Math.fround(v))).toBe(true);
  });
});
