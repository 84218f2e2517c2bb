import { describe, expect, it } from "vitest";
import { ArgumentError, ShapeError } from "./errors.js";
import { broadcastShapes, broadcastsTo, checkShape, normalizeAxes, normalizeAxis, sizeOf, stridesOf } from "./shape.js";

describe("shapes", () => {
  it("counts elements, with 1 for a scalar and 0 for an empty dimension", () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 3, 4])).toBe(24);
    expect(sizeOf([2, 0, 4])).toBe(0);
  });

  it("computes row-major strides", () => {
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(stridesOf([])).toEqual([]);
  });

  it("broadcasts the NumPy way", () => {
    expect(broadcastShapes("add", [2, 1, 3], [4, 1])).toEqual([2, 4, 3]);
    expect(broadcastShapes("add", [], [5])).toEqual([5]);
    expect(broadcastShapes("add", [0, 1], [1, 3])).toEqual([0, 3]);
  });

  it("names the op, both shapes and the failing dimension when shapes do not broadcast", () => {
    const error = (() => {
      try {
        broadcastShapes("add", [2, 3], [4]);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).op).toBe("add");
    expect((error as ShapeError).message).toBe(
      "add: cannot broadcast a of shape [2, 3] with b of shape [4]: dimension -1 is 3 vs 4; expected equal sizes or 1",
    );
  });

  it("tells whether a shape broadcasts to another", () => {
    expect(broadcastsTo([3, 1], [2, 3, 4])).toBe(true);
    expect(broadcastsTo([3, 2], [2, 3, 4])).toBe(false);
    expect(broadcastsTo([1, 1, 1, 1], [2, 3, 4])).toBe(false);
  });

  it("resolves negative axes and refuses out-of-range ones", () => {
    expect(normalizeAxis({ op: "sum" }, -1, 3)).toBe(2);
    expect(() => normalizeAxis({ op: "sum", argument: "axis" }, 3, 3)).toThrow(ArgumentError);
    expect(() => normalizeAxis({ op: "sum", argument: "axis" }, 3, 3)).toThrow("sum (argument 'axis'): axis 3 is out of range for a tensor of rank 3");
    expect(() => normalizeAxis({ op: "sum" }, 0.5, 3)).toThrow(ArgumentError);
    expect(normalizeAxes({ op: "sum" }, [2, -3], 3)).toEqual([0, 2]);
    expect(normalizeAxes({ op: "sum" }, undefined, 2)).toEqual([0, 1]);
    expect(() => normalizeAxes({ op: "sum" }, [1, -2], 3)).toThrow("appears twice");
  });

  it("refuses NaN, negative and fractional sizes", () => {
    expect(() => checkShape({ op: "zeros", argument: "shape" }, [2, Number.NaN])).toThrow(
      "zeros (argument 'shape'): dimension 1 of shape [2, NaN] is NaN; expected a non-negative integer",
    );
    expect(() => checkShape({ op: "zeros" }, [-1])).toThrow(ArgumentError);
    expect(() => checkShape({ op: "zeros" }, [1.5])).toThrow(ArgumentError);
  });
});
