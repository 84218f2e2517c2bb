// Helpers for this package's tests (not exported from the entry point).
import { gradcheck, valueAndGrad, type GradcheckOptions } from "@neurite/autograd";
import { tensor, tidy, type NestedArray, type Tensor, type Variable } from "@neurite/tensor-core";
import { expect } from "vitest";
import { functionalCall } from "./functional.js";
import type { Module } from "./module.js";

/** The current values of a module's parameters, by name (the tree autograd differentiates). */
export function parameterValues(model: Module): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(model.namedParameters()).map(([name, v]) => [name, v.value]));
}

/**
 * The loss and its gradient with respect to every parameter of `model`, keyed like `namedParameters()`:
 * autograd takes the model's Variables as leaves and watches their current values, which `forward` reads.
 */
export function lossAndGradients(model: Module, x: Tensor, loss: (prediction: Tensor) => Tensor): [Tensor, Record<string, Tensor>] {
  return valueAndGrad((_params: Record<string, Variable>) => loss(model.forward(x)))(model.namedParameters());
}

/** One step of plain gradient descent, W ← W − η ∂J/∂W, on every parameter; returns the loss. */
export function gradientDescentStep(model: Module, x: Tensor, loss: (prediction: Tensor) => Tensor, learningRate: number): number {
  return tidy(() => {
    const [value, grads] = lossAndGradients(model, x, loss);
    for (const [name, v] of Object.entries(model.namedParameters())) v.assign(v.value.sub(grads[name]!.mul(learningRate)));
    return value.itemSync();
  });
}

/**
 * Checks the gradients of `layer` with respect to its input and every parameter against finite differences
 * in float64 (the layer runs on float64 copies through `functionalCall`).
 */
export async function gradcheckLayer(layer: Module, x: Tensor, options?: GradcheckOptions): Promise<void> {
  const names = Object.keys(layer.namedParameters());
  const values = parameterValues(layer);
  const f = (input: Tensor, ...params: Tensor[]): Tensor =>
    functionalCall(layer, Object.fromEntries(names.map((n, i) => [n, params[i]!])), input);
  const report = await gradcheck(f, [x, ...names.map((n) => values[n]!)], options);
  expect(report.ok).toBe(true);
  expect(report.checked).toBeGreaterThan(0);
}

/** A float64 tensor of `shape` with values in [lo, hi) from a small seeded generator (no global stream). */
export function uniform(shape: readonly number[], seed: number, lo = -1, hi = 1): Tensor {
  let state = seed * 7919 + 17;
  const size = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return lo + (hi - lo) * (state / 2147483648);
  });
  return tensor(new Float64Array(values), { shape });
}

export function f64(values: NestedArray): Tensor {
  return tensor(values, { dtype: "float64" });
}

export const values = (t: Tensor): number[] => [...t.dataSync()];
