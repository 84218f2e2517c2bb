import { allocate, broadcastShapes, broadcastStrides, sizeOf, stridesOf, type OutputSpec, type TypedArray } from "@neurite/tensor-core";
import { forEachRow } from "./strided.js";
import type { Input } from "./types.js";

/**
 * Batched matrix product. The batch dims broadcast like an elementwise op whose "elements" are whole
 * matrices, so the strided walk over the batch shape gives each product's three matrix offsets; each product
 * then runs one of two loop orders, chosen so that the innermost loop reads memory contiguously:
 *
 * - `b` not transposed: i-k-j (c[i, :] += a[i, p] · b[p, :]), rows of b and c are contiguous; blocked over
 *   j and p so the block of b being reused for every i stays in cache.
 * - `b` transposed: i-j-k dot products (c[i, j] = a[i, :] · bᵀ[j, :]), both contiguous when `a` is not
 *   transposed; a transposed `a` is packed into row-major order first (m·k copies against m·n·k products).
 *
 * The i-k-j order accumulates in the output array itself (float32 rounds at each step, as on a GPU); the
 * dot-product order sums in a local number and stores once. int32 wraps in both: Math.imul gives the exact
 * low 32 bits of each product and `| 0` wraps each sum.
 */

/** Columns of b and c per block (i-k-j order): 256 float32 is 1 KiB per row of the block. */
const BLOCK_N = 256;
/** Rows of b per block: with BLOCK_N, a 128 KiB float32 block of b, which fits in L2. */
const BLOCK_K = 128;
/** Rows of bᵀ per block (dot-product order), reused for every row of a. */
const BLOCK_J = 64;

/** The sizes of one product, read off the (possibly transposed) operand shapes. */
export interface MatmulDims {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** Broadcast batch shape (the product's shape without its last two dims). */
  readonly batch: number[];
}

const BATCH_NAMES = ["a's batch dims", "b's batch dims"] as const;

export function matmulDims(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): MatmulDims {
  const ra = a.length;
  const rb = b.length;
  const m = transposeA ? a[ra - 1]! : a[ra - 2]!;
  const k = transposeA ? a[ra - 2]! : a[ra - 1]!;
  const n = transposeB ? b[rb - 2]! : b[rb - 1]!;
  // The op layer has checked that the batch dims broadcast.
  return { m, k, n, batch: broadcastShapes("matmul", a.slice(0, -2), b.slice(0, -2), BATCH_NAMES) };
}

export function matmul(a: Input, b: Input, transposeA: boolean, transposeB: boolean, out: OutputSpec): TypedArray {
  const { m, k, n } = matmulDims(a.shape, b.shape, transposeA, transposeB);
  const dst = allocate(out.dtype, sizeOf(out.shape));
  const batch = out.shape.slice(0, -2);
  const isInt = out.dtype === "int32";
  // Batch strides in elements: the strides of the batch dims, each "element" being one matrix.
  const scale = (strides: number[], size: number): number[] => strides.map((s) => s * size);
  const strides = [
    scale(broadcastStrides(a.shape.slice(0, -2), batch), m * k),
    scale(broadcastStrides(b.shape.slice(0, -2), batch), k * n),
    scale(stridesOf(batch), m * n),
  ];
  // Packing a transposed `a` (dot-product order only) reuses one scratch buffer for every product.
  const packed = transposeA && transposeB ? (isInt ? new Int32Array(m * k) : new Float64Array(m * k)) : null;
  forEachRow(batch, strides, [0, 0, 0], (pos, step, length) => {
    let ia = pos[0]!;
    let ib = pos[1]!;
    let ic = pos[2]!;
    for (let t = 0; t < length; t++, ia += step[0]!, ib += step[1]!, ic += step[2]!) {
      if (!transposeB) {
        productIKJ(a.values, ia, transposeA, b.values, ib, dst, ic, m, k, n, isInt);
      } else if (packed === null) {
        productDot(a.values, ia, b.values, ib, dst, ic, m, k, n, isInt);
      } else {
        const av = a.values;
        for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) packed[i * k + p] = av[ia + p * m + i]!;
        productDot(packed, 0, b.values, ib, dst, ic, m, k, n, isInt);
      }
    }
  });
  return dst;
}

/** c += a · b with b row-major [k, n]; a is [m, k], or [k, m] when `transposeA`. */
function productIKJ(
  av: TypedArray,
  aOff: number,
  transposeA: boolean,
  bv: TypedArray,
  bOff: number,
  c: TypedArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
  isInt: boolean,
): void {
  // Element (i, p) of a is at aOff + i·aRow + p·aCol.
  const aRow = transposeA ? 1 : k;
  const aCol = transposeA ? m : 1;
  for (let j0 = 0; j0 < n; j0 += BLOCK_N) {
    const j1 = Math.min(n, j0 + BLOCK_N);
    for (let p0 = 0; p0 < k; p0 += BLOCK_K) {
      const p1 = Math.min(k, p0 + BLOCK_K);
      for (let i = 0; i < m; i++) {
        rowIKJ(av, aOff + i * aRow, aCol, bv, bOff, n, c, cOff + i * n, j0, j1, p0, p1, isInt);
      }
    }
  }
}

/**
 * One row of c over one block: c[i, j0:j1] += a[i, p0:p1] · b[p0:p1, j0:j1]. Floats take four rows of b
 * per pass over the row of c, so c is loaded and stored a quarter as often (the loop is bound by memory
 * traffic, not arithmetic).
 */
function rowIKJ(
  av: TypedArray,
  aBase: number,
  aCol: number,
  bv: TypedArray,
  bOff: number,
  n: number,
  c: TypedArray,
  cRow: number,
  j0: number,
  j1: number,
  p0: number,
  p1: number,
  isInt: boolean,
): void {
  const start = cRow + j0;
  const end = cRow + j1;
  let p = p0;
  if (isInt) {
    for (; p < p1; p++) {
      const aip = av[aBase + p * aCol]!;
      const b0 = bOff + p * n - cRow;
      for (let j = start; j < end; j++) c[j] = (c[j]! + Math.imul(aip, bv[b0 + j]!)) | 0;
    }
    return;
  }
  for (; p + 3 < p1; p += 4) {
    const a0 = av[aBase + p * aCol]!;
    const a1 = av[aBase + (p + 1) * aCol]!;
    const a2 = av[aBase + (p + 2) * aCol]!;
    const a3 = av[aBase + (p + 3) * aCol]!;
    const b0 = bOff + p * n - cRow;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    for (let j = start; j < end; j++) c[j] = c[j]! + (a0 * bv[b0 + j]! + a1 * bv[b1 + j]! + a2 * bv[b2 + j]! + a3 * bv[b3 + j]!);
  }
  for (; p < p1; p++) {
    const aip = av[aBase + p * aCol]!;
    const b0 = bOff + p * n - cRow;
    for (let j = start; j < end; j++) c[j] = c[j]! + aip * bv[b0 + j]!;
  }
}

/**
 * c = a · bᵀ with a row-major [m, k] and b row-major [n, k]: each element is a contiguous dot product.
 * Four columns of c are computed together, so each element of a's row is loaded once for four products.
 */
function productDot(
  av: TypedArray,
  aOff: number,
  bv: TypedArray,
  bOff: number,
  c: TypedArray,
  cOff: number,
  m: number,
  k: number,
  n: number,
  isInt: boolean,
): void {
  for (let j0 = 0; j0 < n; j0 += BLOCK_J) {
    const j1 = Math.min(n, j0 + BLOCK_J);
    for (let i = 0; i < m; i++) {
      const aRow = aOff + i * k;
      const aEnd = aRow + k;
      const cRow = cOff + i * n;
      let j = j0;
      if (isInt) {
        for (; j < j1; j++) {
          const b0 = bOff + j * k - aRow;
          let s0 = 0;
          for (let p = aRow; p < aEnd; p++) s0 = (s0 + Math.imul(av[p]!, bv[b0 + p]!)) | 0;
          c[cRow + j] = s0;
        }
        continue;
      }
      for (; j + 3 < j1; j += 4) {
        const b0 = bOff + j * k - aRow;
        const b1 = b0 + k;
        const b2 = b1 + k;
        const b3 = b2 + k;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let p = aRow; p < aEnd; p++) {
          const x = av[p]!;
          s0 += x * bv[b0 + p]!;
          s1 += x * bv[b1 + p]!;
          s2 += x * bv[b2 + p]!;
          s3 += x * bv[b3 + p]!;
        }
        c[cRow + j] = s0;
        c[cRow + j + 1] = s1;
        c[cRow + j + 2] = s2;
        c[cRow + j + 3] = s3;
      }
      for (; j < j1; j++) {
        const b0 = bOff + j * k - aRow;
        let s0 = 0;
        for (let p = aRow; p < aEnd; p++) s0 += av[p]! * bv[b0 + p]!;
        c[cRow + j] = s0;
      }
    }
  }
}
