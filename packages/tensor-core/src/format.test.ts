import { describe, expect, it } from "vitest";
import { formatTensor } from "./format.js";

describe("formatTensor", () => {
  it("prints a matrix the NumPy way, rows aligned", () => {
    expect(formatTensor(new Float32Array([1, 2, 3, 4]), [2, 2], "float32")).toBe("tensor([[1., 2.],\n        [3., 4.]], dtype=float32)");
  });

  it("pads numbers to a common width and keeps four decimals", () => {
    expect(formatTensor(new Float32Array([0.5, -12.25, 1 / 3]), [3], "float32")).toBe("tensor([   0.5, -12.25, 0.3333], dtype=float32)");
  });

  it("prints scalars, ints, bools and empty tensors", () => {
    expect(formatTensor(new Int32Array([7]), [], "int32")).toBe("tensor(7, dtype=int32)");
    expect(formatTensor(new Uint8Array([1, 0]), [2], "bool")).toBe("tensor([ true, false], dtype=bool)");
    expect(formatTensor(new Float32Array([]), [0, 3], "float32")).toBe("tensor([], dtype=float32)");
  });

  it("uses exponents for very large or small values and shows NaN", () => {
    expect(formatTensor(new Float64Array([1e-6, Number.NaN]), [2], "float64")).toBe("tensor([1.0000e-6,       NaN], dtype=float64)");
  });

  it("summarizes tensors of more than 1000 elements with ...", () => {
    const text = formatTensor(new Int32Array(2000).map((_, i) => i), [2000], "int32");
    expect(text).toBe("tensor([   0,    1,    2, ..., 1997, 1998, 1999], dtype=int32)");
  });

  it("separates the blocks of a rank-3 tensor with a blank line", () => {
    expect(formatTensor(new Int32Array([1, 2, 3, 4]), [2, 1, 2], "int32")).toBe("tensor([[[1, 2]],\n\n        [[3, 4]]], dtype=int32)");
  });
});
