import type { DType } from "@neurite/tensor-core";
import { broadcastShape, numel, store, type NdArray } from "./nd.js";

/**
 * The batched matrix product by the textbook triple loop: for every batch position (batch dims broadcast),
 * c[i, j] = Σₚ a[i, p] · b[p, j], accumulated in float64 (int32: Math.imul products and 32-bit wrapping sums).
 * `a` is `[..., m, k]` (`[..., k, m]` with `transposeA`), `b` is `[..., k, n]` (`[..., n, k]` with `transposeB`).
 * Rank-1 operands are not handled here: the cases reshape them like NumPy and give the expected shape.
 */
export function matmulRef(a: NdArray, b: NdArray, transposeA: boolean, transposeB: boolean, dtype: DType): NdArray {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const batch = broadcastShape(batchA, batchB);
  const count = numel(batch);
  const values = new Array<number>(count * m * n);
  const int = dtype === "int32";
  for (let t = 0; t < count; t++) {
    // Batch index → each operand's matrix offset (size-1 or missing batch dims repeat).
    let rest = t;
    let offA = 0;
    let offB = 0;
    const idx = new Array<number>(batch.length);
    for (let i = batch.length - 1; i >= 0; i--) {
      idx[i] = rest % batch[i]!;
      rest = Math.floor(rest / batch[i]!);
    }
    let strideA = m * k;
    for (let i = batchA.length - 1; i >= 0; i--) {
      const d = batchA[i]!;
      offA += (d === 1 ? 0 : idx[i + batch.length - batchA.length]!) * strideA;
      strideA *= d;
    }
    let strideB = k * n;
    for (let i = batchB.length - 1; i >= 0; i--) {
      const d = batchB[i]!;
      offB += (d === 1 ? 0 : idx[i + batch.length - batchB.length]!) * strideB;
      strideB *= d;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          const av = a.values[offA + (transposeA ? p * m + i : i * k + p)]!;
          const bv = b.values[offB + (transposeB ? j * k + p : p * n + j)]!;
          sum = int ? (sum + Math.imul(av, bv)) | 0 : sum + av * bv;
        }
        values[t * m * n + i * n + j] = store(sum, dtype);
      }
    }
  }
  return { shape: [...batch, m, n], values };
}

/** (|a|·|b|): the magnitude each product's rounding error scales with. */
export function matmulScale(a: NdArray, b: NdArray, transposeA: boolean, transposeB: boolean): NdArray {
  const abs = (x: NdArray): NdArray => ({ shape: x.shape, values: x.values.map(Math.abs) });
  return matmulRef(abs(a), abs(b), transposeA, transposeB, "float64");
}
