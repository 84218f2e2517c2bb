import { describe, expect, it } from "vitest";
import { Heap } from "./heap.js";
import { blockHeight, WasmMatmul } from "./matmul.js";
import { Kernels } from "./runtime.js";

/** Row-major A·B in float64, the reference the Wasm products are checked against. */
function reference(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j]! += a[i * k + p]! * b[p * n + j]!;
  return c;
}

function random(size: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: size }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
}

function transposed(x: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = x[i * cols + j]!;
  return t;
}

describe("the Wasm SIMD matmul", () => {
  const heap = new Heap(false);
  const matmul = new WasmMatmul(new Kernels(heap), heap);
  const put = (values: Float32Array): number => {
    const offset = heap.alloc(values.length * 4);
    new Float32Array(heap.buffer, offset, values.length).set(values);
    return offset;
  };

  // Sizes around the tile (6 × 8) and block (120 × 256 × 1024) edges, and one past every block edge.
  const sizes: [number, number, number][] = [[1, 1, 1], [5, 7, 9], [6, 3, 8], [7, 17, 15], [13, 300, 29], [121, 257, 33], [64, 784, 128], [2, 5, 1030]];
  for (const [m, k, n] of sizes) {
    for (const layout of ["A·B", "A·Bᵀ", "Aᵀ·B", "Aᵀ·Bᵀ"]) {
      it(`${layout} for m=${m} k=${k} n=${n} matches the float64 product`, () => {
        const a = random(m * k, m + 3 * k);
        const b = random(k * n, 7 * n + k);
        const ta = layout.startsWith("Aᵀ");
        const tb = layout.endsWith("Bᵀ");
        const aOff = put(ta ? transposed(a, m, k) : a);
        const bOff = put(tb ? transposed(b, k, n) : b);
        const cOff = heap.alloc(m * n * 4);
        new Float32Array(heap.buffer, cOff, m * n).fill(Number.NaN); // every element must be written
        matmul.product(
          { offset: aOff, rowStride: ta ? 4 : k * 4, colStride: ta ? m * 4 : 4 },
          { offset: bOff, rowStride: tb ? 4 : n * 4, colStride: tb ? k * 4 : 4 },
          cOff,
          m,
          k,
          n,
        );
        const got = new Float32Array(heap.buffer, cOff, m * n);
        const want = reference(a, b, m, k, n);
        let worst = 0;
        for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
        expect(worst).toBeLessThan(1e-5 * Math.sqrt(k) + 1e-6);
      });
    }
  }

  it("applies bias and relu in place, leaving the neighbouring rows' columns alone", () => {
    const m = 3;
    const n = 7;
    const values = Float32Array.from({ length: m * n }, (_, i) => i - 10);
    const bias = Float32Array.from({ length: n }, (_, j) => j * 0.5);
    const c = put(values);
    matmul.epilogue("relu", c, put(bias), m, n);
    const got = new Float32Array(heap.buffer, c, m * n);
    expect(Array.from(got)).toEqual(Array.from(values, (v, i) => Math.max(0, v + bias[i % n]!)));
  });
});

describe("row blocks for threads", () => {
  it("split the rows into equal blocks of whole micro-tiles, at most 120 rows, that each thread gets as many of", () => {
    for (const threads of [2, 3, 4]) {
      for (const m of [5, 64, 121, 250, 262, 1000, 1024, 4097]) {
        const height = blockHeight(m, threads);
        const blocks = Math.ceil(m / height);
        expect(height % 4, `${m} rows, ${threads} threads`).toBe(0);
        expect(height).toBeLessThanOrEqual(120);
        // The busiest thread has at most one micro-tile row-group more than an even share.
        const rowsOf = (t: number) => Array.from({ length: blocks }, (_, b) => b).filter((b) => b % threads === t).reduce((sum, b) => sum + Math.min(height, m - b * height), 0);
        const busiest = Math.max(...Array.from({ length: threads }, (_, t) => rowsOf(t)));
        expect(busiest, `${m} rows, ${threads} threads`).toBeLessThanOrEqual(Math.ceil(m / threads) + 4 * Math.ceil(blocks / threads));
      }
    }
    expect(blockHeight(1024, 1)).toBe(120);
    expect(blockHeight(1024, 2)).toBe(104);
  });
});
