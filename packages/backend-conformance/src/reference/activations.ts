import type { DType } from "@neurite/tensor-core";
import { forEachIndex, store, type NdArray } from "./nd.js";

/** The activation functions, written from their definitions (not from the op layer's compositions). */
export const activationRefs = {
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  step: (x: number) => (x >= 0 ? 1 : 0),
  softsign: (x: number) => x / (1 + Math.abs(x)),
  tanh: (x: number) => Math.tanh(x),
  relu: (x: number) => (x > 0 ? x : 0),
  leakyRelu: (x: number, alpha = 0.01) => (x > 0 ? x : alpha * x),
  softplus: (x: number) => softplus(x),
  logSigmoid: (x: number) => -softplus(-x),
} as const;

/** log(1 + eˣ) without overflow: x + log(1 + e⁻ˣ) for x > 0. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** The name of an activation with a float64 reference. */
export type Activation = keyof typeof activationRefs;

/** An activation computed in float64, rounded to `dtype`. */
export function activationRef(name: Activation, x: NdArray, dtype: DType, alpha?: number): NdArray {
  const fn = activationRefs[name];
  return { shape: x.shape, values: x.values.map((v) => store(fn(v, alpha), dtype)) };
}

/** Softmax (or log-softmax) along `axis`, computed in float64 after subtracting each row's maximum. */
export function softmaxRef(x: NdArray, axis: number, dtype: DType, log = false): NdArray {
  const n = x.shape[axis]!;
  const inner = x.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const values = new Array<number>(x.values.length);
  const outerShape = x.shape.filter((_, i) => i !== axis);
  forEachIndex(outerShape, (index) => {
    // Flat start of this row, and the step along `axis`.
    let start = 0;
    let k = 0;
    for (let i = 0; i < x.shape.length; i++) {
      start = start * x.shape[i]! + (i === axis ? 0 : index[k++]!);
    }
    let m = -Infinity;
    for (let j = 0; j < n; j++) m = Math.max(m, x.values[start + j * inner]!);
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.exp(x.values[start + j * inner]! - m);
    for (let j = 0; j < n; j++) {
      const v = x.values[start + j * inner]! - m;
      values[start + j * inner] = store(log ? v - Math.log(s) : Math.exp(v) / s, dtype);
    }
  });
  return { shape: x.shape, values };
}
