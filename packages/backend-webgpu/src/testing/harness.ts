import { cpu } from "@neurite/backend-cpu";
import type { Backend, DataId, DType, TensorInfo, TypedArray } from "@neurite/tensor-core";
import { create } from "webgpu";
import { afterAll, expect } from "vitest";
import type { WebGpuBackend } from "../backend.js";
import type { WebGpuOptions } from "../device.js";
import { webgpu } from "../webgpu.js";
export { seeded } from "./seeded.js";

/**
 * Test plumbing: a webgpu backend on Dawn (SwiftShader without a GPU) and the CPU reference, driven through
 * the Backend interface only (upload → kernel → read), exactly as tensor-core drives them.
 */

// Dawn's Node binding crashes the process if the GPU object is collected while a device lives: keep it here.
let gpuObject: GPU | undefined;

/** A webgpu backend in Node. A missing adapter fails the test with the install instructions, never skips. */
export async function gpuBackend(options: Omit<WebGpuOptions, "gpu"> = {}): Promise<WebGpuBackend> {
  gpuObject ??= create([]);
  return webgpu({ ...options, gpu: gpuObject });
}

/**
 * One webgpu backend shared by a test file, created on first use and disposed after the file. It is awaited
 * inside each test, not in a `beforeAll`: without an adapter every test then FAILS with the install
 * instructions (a failing `beforeAll` would only mark the tests skipped).
 */
export function sharedGpu(options: Omit<WebGpuOptions, "gpu"> = {}): () => Promise<WebGpuBackend> {
  let backend: Promise<WebGpuBackend> | undefined;
  afterAll(async () => {
    const created = await backend?.catch(() => undefined);
    created?.dispose();
  });
  return () => (backend ??= gpuBackend(options));
}

/** Like `sharedGpu`, paired with a CPU reference. */
export function sharedPair(): () => Promise<Pair> {
  const gpu = sharedGpu();
  let pair: Pair | undefined;
  return async () => (pair ??= new Pair(await gpu()));
}

export interface Input {
  readonly values: readonly number[];
  readonly shape: readonly number[];
  readonly dtype?: DType;
}

function typed(values: readonly number[], dtype: DType): TypedArray {
  switch (dtype) {
    case "float32":
      return Float32Array.from(values);
    case "int32":
      return Int32Array.from(values);
    case "bool":
      return Uint8Array.from(values);
    case "float64":
      return Float64Array.from(values);
  }
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Uploads `inputs`, runs `call`, reads the result and disposes everything it made. */
export async function runOn(backend: Backend, inputs: readonly Input[], call: (b: Backend, xs: TensorInfo[]) => DataId): Promise<number[]> {
  const infos = inputs.map((input): TensorInfo => {
    const dtype = input.dtype ?? "float32";
    if (input.values.length !== sizeOf(input.shape)) throw new Error(`test bug: ${input.values.length} values for [${input.shape.join(", ")}]`);
    return { data: backend.upload(typed(input.values, dtype), dtype), shape: input.shape, dtype };
  });
  try {
    const out = call(backend, infos);
    try {
      return Array.from(await backend.read(out));
    } finally {
      backend.disposeData(out);
    }
  } finally {
    for (const info of infos) backend.disposeData(info.data);
  }
}

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export const EXACT: Tolerance = { atol: 0, rtol: 0 };
export const FLOAT: Tolerance = { atol: 1e-6, rtol: 1e-6 };
export const TRANSCENDENTAL: Tolerance = { atol: 1e-5, rtol: 1e-4 };

/** Asserts `actual` equals `expected` within tolerance; NaN matches NaN, infinities match exactly. */
export function expectClose(actual: readonly number[], expected: readonly number[], tol: Tolerance = FLOAT, label = ""): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) {
      expect.fail(`${label} element ${i}: got ${a}, expected ${e} (atol ${tol.atol}, rtol ${tol.rtol})`);
    }
  }
}

/** A webgpu backend and the CPU reference, compared on the same inputs. */
export class Pair {
  readonly cpu: Backend = cpu();
  constructor(readonly gpu: WebGpuBackend) {}

  async compare(inputs: readonly Input[], call: (b: Backend, xs: TensorInfo[]) => DataId, tol: Tolerance = FLOAT, label = ""): Promise<number[]> {
    const expected = await runOn(this.cpu, inputs, call);
    const actual = await runOn(this.gpu, inputs, call);
    expectClose(actual, expected, tol, label);
    return actual;
  }
}


/** `count` float32-exact values in [lo, hi). */
export function randomValues(rand: () => number, count: number, lo = -1, hi = 1): number[] {
  return Array.from({ length: count }, () => Math.fround(lo + rand() * (hi - lo)));
}

/** `count` integers in [lo, hi). */
export function randomInts(rand: () => number, count: number, lo: number, hi: number): number[] {
  return Array.from({ length: count }, () => lo + Math.floor(rand() * (hi - lo)));
}
