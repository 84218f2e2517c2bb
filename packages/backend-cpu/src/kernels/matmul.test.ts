import type { DType } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { harness, randomValues, seeded } from "../testing/helpers.js";

/** Row-major [rows, cols] → row-major [cols, rows]. */
function transposed(values: readonly number[], rows: number, cols: number): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = values[i * cols + j]!;
  return out;
}

/** The textbook triple loop, in float64. */
function naive(a: readonly number[], b: readonly number[], m: number, k: number, n: number): number[] {
  const c = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      c[i * n + j] = s;
    }
  }
  return c;
}

function expectClose(actual: readonly number[], expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (Math.abs(actual[i]! - expected[i]!) > tolerance) {
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]} (tolerance ${tolerance})`);
    }
  }
}

describe("matmul", () => {
  it("multiplies a hand-computed 2×2 in every transpose combination", () => {
    const { backend, t, read } = harness();
    const a = [1, 2, 3, 4];
    const b = [5, 6, 7, 8];
    const out = { shape: [2, 2], dtype: "float32" } as const;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const A = t(ta ? transposed(a, 2, 2) : a, [2, 2]);
        const B = t(tb ? transposed(b, 2, 2) : b, [2, 2]);
        expect(read(backend.matmul(A, B, ta, tb, out)), `transposeA=${ta} transposeB=${tb}`).toEqual([19, 22, 43, 50]);
      }
    }
  });

  it("matches a naive triple loop on random sizes, transposed or not", () => {
    const rand = seeded(42);
    const { backend, t, read } = harness();
    // Sizes cross the block edges (256 columns, 128 depth, 64 rows of bᵀ) and include 1s.
    const sizes: [number, number, number][] = [
      [1, 1, 1],
      [3, 5, 7],
      [1, 300, 1],
      [17, 1, 9],
      [5, 300, 270],
      [70, 33, 65],
    ];
    for (const dtype of ["float32", "float64"] as DType[]) {
      for (const [m, k, n] of sizes) {
        const a = randomValues(rand, m * k);
        const b = randomValues(rand, k * n);
        const expected = naive(a, b, m, k, n);
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const A = t(ta ? transposed(a, m, k) : a, ta ? [k, m] : [m, k], dtype);
            const B = t(tb ? transposed(b, k, n) : b, tb ? [n, k] : [k, n], dtype);
            const c = read(backend.matmul(A, B, ta, tb, { shape: [m, n], dtype }));
            expectClose(c, expected, dtype === "float32" ? 1e-4 : 1e-12);
          }
        }
      }
    }
  });

  it("broadcasts batch dims: [2,1,3,4] @ [5,4,2] → [2,5,3,2]", () => {
    const rand = seeded(7);
    const { backend, t, read } = harness();
    const a = randomValues(rand, 2 * 3 * 4);
    const b = randomValues(rand, 5 * 4 * 2);
    for (const tb of [false, true]) {
      const bStored: number[] = [];
      for (let j = 0; j < 5; j++) {
        const mat = b.slice(j * 8, j * 8 + 8);
        bStored.push(...(tb ? transposed(mat, 4, 2) : mat));
      }
      const c = read(backend.matmul(t(a, [2, 1, 3, 4], "float64"), t(bStored, tb ? [5, 2, 4] : [5, 4, 2], "float64"), false, tb, { shape: [2, 5, 3, 2], dtype: "float64" }));
      const expected: number[] = [];
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 5; j++) expected.push(...naive(a.slice(i * 12, i * 12 + 12), b.slice(j * 8, j * 8 + 8), 3, 4, 2));
      }
      expectClose(c, expected, 1e-12);
    }
  });

  it("handles 0-size matrices: empty results, and zeros when the inner size is 0", () => {
    const { backend, t, read } = harness();
    expect(read(backend.matmul(t([], [0, 3]), t([1, 2, 3], [3, 1]), false, false, { shape: [0, 1], dtype: "float32" }))).toEqual([]);
    expect(read(backend.matmul(t([1, 2, 3], [1, 3]), t([], [3, 0]), false, false, { shape: [1, 0], dtype: "float32" }))).toEqual([]);
    expect(read(backend.matmul(t([], [2, 0]), t([], [0, 3]), false, false, { shape: [2, 3], dtype: "float32" }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read(backend.matmul(t([], [0, 2]), t([], [3, 0]), true, true, { shape: [2, 3], dtype: "float32" }))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(read(backend.matmul(t([], [0, 2, 2]), t([1, 0, 0, 1], [2, 2]), false, false, { shape: [0, 2, 2], dtype: "float32" }))).toEqual([]);
  });

  it("propagates NaN and Infinity like the triple loop (0 · NaN is NaN)", () => {
    const { backend, t, read } = harness();
    const a = t([0, 1, 0, 0], [2, 2]);
    const b = t([NaN, 2, Infinity, 3], [2, 2]);
    const out = { shape: [2, 2], dtype: "float32" } as const;
    // c00 = 0·NaN + 1·∞ and c10 = 0·NaN + 0·∞ are NaN: no zero-skipping shortcut.
    expect(read(backend.matmul(a, b, false, false, out))).toEqual([NaN, 3, NaN, 0]);
    // Infinity survives where it is only multiplied by non-zeros: [1, 1] · [∞, 2]ᵀ = ∞.
    expect(read(backend.matmul(t([1, 1], [1, 2]), t([Infinity, 2], [2, 1]), false, false, { shape: [1, 1], dtype: "float32" }))).toEqual([Infinity]);
    expect(read(backend.matmul(a, t([NaN, Infinity, 2, 3], [2, 2]), false, true, out))).toEqual([NaN, 3, NaN, 0]);
  });

  it("wraps int32 products and sums around 32 bits", () => {
    const { backend, t, read } = harness();
    // c00 = 65536² + 1·5 = 2³² + 5 → 5; c01 = c10 = 65536·46341 (mod 2³²); c11 = 46341² = 2147488281 → -2147479015.
    const a = t([65536, 1, 46341, 0], [2, 2], "int32");
    const b = t([65536, 46341, 5, 0], [2, 2], "int32");
    for (const tb of [false, true]) {
      const B = tb ? t([65536, 5, 46341, 0], [2, 2], "int32") : b;
      expect(read(backend.matmul(a, B, false, tb, { shape: [2, 2], dtype: "int32" }))).toEqual([
        5,
        Number(BigInt.asIntN(32, 65536n * 46341n)),
        Number(BigInt.asIntN(32, 65536n * 46341n)),
        -2147479015,
      ]);
    }
  });
});
