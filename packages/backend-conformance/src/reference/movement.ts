import { at, broadcastRead, forEachIndex, numel, type NdArray } from "./nd.js";

/** Movement references: each output element is read from the input position its definition names. */

/** `out.shape[i] = x.shape[perm[i]]`, `out[i₀, i₁, …] = x[j]` with `j[perm[k]] = iₖ`. */
export function transposeRef(x: NdArray, perm: readonly number[]): NdArray {
  const shape = perm.map((p) => x.shape[p]!);
  const values: number[] = [];
  const src = new Array<number>(x.shape.length);
  forEachIndex(shape, (index) => {
    for (let k = 0; k < perm.length; k++) src[perm[k]!] = index[k]!;
    values.push(at(x, src));
  });
  return { shape, values };
}

/** `x` broadcast to `shape`. */
export function broadcastToRef(x: NdArray, shape: readonly number[]): NdArray {
  const values: number[] = [];
  forEachIndex(shape, (index) => values.push(broadcastRead(x, index)));
  return { shape: [...shape], values };
}

/** Along axis i, elements `begin[i] + j · step[i]` for `j < shape[i]`. */
export function sliceRef(x: NdArray, begin: readonly number[], step: readonly number[], shape: readonly number[]): NdArray {
  const values: number[] = [];
  forEachIndex(shape, (index) => values.push(at(x, index.map((j, i) => begin[i]! + j * step[i]!))));
  return { shape: [...shape], values };
}

/** Python's `x[begin:end:step]` on every axis (positive steps; negative begin/end count from the end; clamped). */
export function stridedSliceRef(x: NdArray, begin: readonly number[], end: readonly number[], steps: readonly number[]): NdArray {
  const starts: number[] = [];
  const shape: number[] = [];
  x.shape.forEach((dim, i) => {
    const clamp = (v: number | undefined, fallback: number): number => (v === undefined ? fallback : Math.min(Math.max(v < 0 ? v + dim : v, 0), dim));
    const b = clamp(begin[i], 0);
    const e = clamp(end[i], dim);
    const s = steps[i] ?? 1;
    starts.push(b);
    shape.push(e > b ? Math.ceil((e - b) / s) : 0);
  });
  return sliceRef(x, starts, x.shape.map((_, i) => steps[i] ?? 1), shape);
}

/** `x` padded with `value`. */
export function padRef(x: NdArray, paddings: readonly (readonly [number, number])[], value: number): NdArray {
  const shape = x.shape.map((d, i) => d + paddings[i]![0] + paddings[i]![1]);
  const values: number[] = [];
  forEachIndex(shape, (index) => {
    const src = index.map((j, i) => j - paddings[i]![0]);
    const inside = src.every((j, i) => j >= 0 && j < x.shape[i]!);
    values.push(inside ? at(x, src) : value);
  });
  return { shape, values };
}

/** `xs` joined along `axis`. */
export function concatRef(xs: readonly NdArray[], axis: number): NdArray {
  const shape = [...xs[0]!.shape];
  shape[axis] = xs.reduce((n, x) => n + x.shape[axis]!, 0);
  const values: number[] = [];
  forEachIndex(shape, (index) => {
    let j = index[axis]!;
    for (const x of xs) {
      const d = x.shape[axis]!;
      if (j < d) {
        values.push(at(x, index.map((v, i) => (i === axis ? j : v))));
        return;
      }
      j -= d;
    }
  });
  return { shape, values };
}

/** `out[..., j, ...] = x[..., indices[j], ...]` along `axis`, for 1-D indices. */
export function gatherRef(x: NdArray, indices: readonly number[], axis: number): NdArray {
  const shape = [...x.shape.slice(0, axis), indices.length, ...x.shape.slice(axis + 1)];
  const values: number[] = [];
  forEachIndex(shape, (index) => values.push(at(x, index.map((v, i) => (i === axis ? indices[v]! : v)))));
  return { shape, values };
}

/** Zeros of `shape`, then `out[..., indices[j], ...] += updates[..., j, ...]`. */
export function scatterAddRef(updates: NdArray, indices: readonly number[], axis: number, shape: readonly number[]): NdArray {
  const values = new Array<number>(numel(shape)).fill(0);
  forEachIndex(updates.shape, (index, flat) => {
    const target = index.map((v, i) => (i === axis ? indices[v]! : v));
    let o = 0;
    for (let i = 0; i < shape.length; i++) o = o * shape[i]! + target[i]!;
    values[o] = values[o]! + updates.values[flat]!;
  });
  return { shape: [...shape], values };
}
