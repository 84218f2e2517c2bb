import { broadcastStrides, collapseAxes, stridesOf } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { workgroupGrid } from "./dispatch.js";
import { sizeClass } from "./buffers.js";
import { isContiguous } from "./shape.js";

describe("collapse", () => {
  it("merges dims that are contiguous for every operand and drops size-1 dims", () => {
    const shape = [2, 3, 4];
    expect(collapseAxes(shape, [stridesOf(shape)])).toEqual({ shape: [24], strides: [[1]] });
    // A [3, 1] operand broadcast to [2, 3, 4]: dims 1 and 2 cannot merge for it, dims 0 stays apart.
    expect(collapseAxes(shape, [broadcastStrides([3, 1], shape), stridesOf(shape)])).toEqual({
      shape: [2, 3, 4],
      strides: [
        [0, 1, 0],
        [12, 4, 1],
      ],
    });
    // Two broadcast dims in a row merge (0 = 0 · n).
    expect(collapseAxes([2, 3, 4], [broadcastStrides([4], [2, 3, 4])])).toEqual({ shape: [6, 4], strides: [[0, 1]] });
    expect(collapseAxes([1, 1], [[0, 0]])).toEqual({ shape: [], strides: [[]] });
  });

  it("recognises contiguous walks", () => {
    expect(isContiguous([6, 4], [4, 1])).toBe(true);
    expect(isContiguous([6, 4], [1, 6])).toBe(false);
  });
});

describe("workgroupGrid", () => {
  it("stays 1-D within the limit and folds into 2-D beyond it", () => {
    expect(workgroupGrid(100, 65535)).toEqual([100, 1]);
    const [x, y] = workgroupGrid(65537, 65535);
    expect(y).toBe(2);
    expect(x * y).toBeGreaterThanOrEqual(65537);
    expect(x).toBeLessThanOrEqual(65535);
    expect(() => workgroupGrid(10, 3)).toThrow(/3² grid/);
  });
});

describe("sizeClass", () => {
  it("rounds to powers of two up to 4 KiB, then to quarter steps", () => {
    expect(sizeClass(0, 1 << 30)).toBe(16);
    expect(sizeClass(20, 1 << 30)).toBe(32);
    expect(sizeClass(4096, 1 << 30)).toBe(4096);
    expect(sizeClass(4100, 1 << 30)).toBe(5120);
    expect(sizeClass(1_000_000, 1 << 30)).toBe(1_048_576);
    // Never above the device's limit: the exact (4-byte aligned) size instead.
    expect(sizeClass(1000, 900)).toBe(1000);
  });
});
