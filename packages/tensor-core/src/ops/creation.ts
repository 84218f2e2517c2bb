import type { Backend } from "../backend.js";
import { allocate, fitValue, isDType, type DType, type TypedArray } from "../dtype.js";
import { engine } from "../engine.js";
import { ArgumentError, DTypeError, ShapeError, formatShape } from "../errors.js";
import { checkShape, sizeOf } from "../shape.js";
import { makeTensor, type NestedArray, type Tensor } from "../tensor.js";
import { callKernel, requireDType } from "./op.js";
import { convertArray, fromValues } from "./values.js";

/** Where a new tensor goes and what it holds. */
export interface CreationOptions {
  /** Element type; see each function for its default. */
  readonly dtype?: DType;
  /** The backend that holds the tensor; the current backend by default. */
  readonly backend?: Backend;
}

function target(op: string, options: CreationOptions | undefined, fallback: DType): { backend: Backend; dtype: DType } {
  const dtype = options?.dtype ?? fallback;
  if (!isDType(dtype)) throw new DTypeError({ op, argument: "dtype" }, `unknown dtype ${String(dtype)}; expected float32, int32, bool or float64`);
  const backend = options?.backend ?? engine.currentBackend(op);
  requireDType({ op, argument: "dtype" }, backend, dtype);
  return { backend, dtype };
}

/**
 * The dtype a typed array becomes by default: float arrays keep their precision, integer arrays (image bytes
 * included) become int32 — a Uint8Array is not taken for bool data — and Uint32Array becomes float32.
 */
function defaultDTypeOfArray(values: ArrayBufferView): DType {
  if (values instanceof Float64Array) return "float64";
  if (values instanceof Float32Array || values instanceof Uint32Array) return "float32";
  return "int32";
}

/** Shape of a nested array; a ShapeError names the first ragged place. */
function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
  }
  const check = (v: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw raggedError(path, shape, "an array", "a number");
      if (typeof v !== "number" && typeof v !== "boolean") {
        throw new ArgumentError({ op: "tensor", argument: "values" }, `element at [${path.join(", ")}] is ${typeof v}; expected a number or boolean`);
      }
      return;
    }
    if (!Array.isArray(v)) throw raggedError(path, shape, "a number", `an array of length ${shape[depth]}`);
    if (v.length !== shape[depth]) throw raggedError(path, shape, `length ${v.length}`, `length ${shape[depth]}`);
    for (let i = 0; i < v.length; i++) check(v[i] as NestedArray, depth + 1, [...path, i]);
  };
  check(values, 0, []);
  return shape;
}

function raggedError(path: number[], shape: number[], seen: string, expected: string): ShapeError {
  return new ShapeError(
    { op: "tensor", argument: "values" },
    `ragged nested array: at [${path.join(", ")}] found ${seen}, expected ${expected} (shape so far ${formatShape(shape)})`,
  );
}

function flatten(values: NestedArray, out: number[]): void {
  if (Array.isArray(values)) for (const v of values) flatten(v as NestedArray, out);
  else out.push(Number(values));
}

/**
 * A tensor from nested arrays, a typed array, a number or a boolean.
 * The dtype defaults to the typed array's, `bool` for booleans, and `float32` otherwise.
 *
 * ```ts
 * tensor([[1, 2], [3, 4]]);                         // float32, shape [2, 2]
 * tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
 * tensor([true, false]);                            // bool
 * ```
 */
export function tensor(values: NestedArray | TypedArray, options?: CreationOptions & { readonly shape?: readonly number[] }): Tensor {
  const op = "tensor";
  let flat: TypedArray | number[];
  let shape: number[];
  let fallback: DType = "float32";
  if (ArrayBuffer.isView(values)) {
    if (values instanceof DataView) throw new ArgumentError({ op, argument: "values" }, "a DataView is not a typed array; pass e.g. new Float32Array(buffer)");
    flat = values;
    shape = [values.length];
    fallback = defaultDTypeOfArray(values);
  } else {
    shape = inferShape(values);
    flat = [];
    flatten(values, flat);
    let first: NestedArray = values;
    while (Array.isArray(first)) first = first[0] as NestedArray;
    if (typeof first === "boolean") fallback = "bool";
  }
  if (options?.shape !== undefined) {
    checkShape({ op, argument: "shape" }, options.shape);
    if (sizeOf(options.shape) !== flat.length) {
      throw new ShapeError({ op, argument: "shape" }, `shape ${formatShape(options.shape)} holds ${sizeOf(options.shape)} values but ${flat.length} were given`);
    }
    shape = [...options.shape];
  }
  const { backend, dtype } = target(op, options, fallback);
  const site = { op, argument: "values" };
  return fromValues(site, Array.isArray(flat) ? convertArray(site, flat, dtype, shape) : flat, shape, dtype, backend);
}

/** A rank-0 tensor. */
export function scalar(value: number | boolean, options?: CreationOptions): Tensor {
  return tensor(value, options);
}

/**
 * A tensor of `shape` filled with `value` (dtype float32 unless given).
 *
 * ```ts
 * full([2, 3], 7); // [[7, 7, 7], [7, 7, 7]]
 * ```
 */
export function full(shape: readonly number[], value: number | boolean, options?: CreationOptions): Tensor {
  return filled("full", shape, value, options);
}

function filled(op: string, shape: readonly number[], value: number | boolean, options: CreationOptions | undefined): Tensor {
  checkShape({ op, argument: "shape" }, shape);
  const { backend, dtype } = target(op, options, typeof value === "boolean" ? "bool" : "float32");
  const v = fitValue({ op, argument: "value" }, Number(value), dtype);
  const out = { shape, dtype };
  return makeTensor(backend, callKernel(backend, op, out, () => backend.fill(v, out)), shape, dtype);
}

/** A tensor of zeros (float32 unless given). */
export function zeros(shape: readonly number[], options?: CreationOptions): Tensor {
  return filled("zeros", shape, 0, options);
}

/** A tensor of ones (float32 unless given). */
export function ones(shape: readonly number[], options?: CreationOptions): Tensor {
  return filled("ones", shape, 1, options);
}

/** Zeros with the shape, dtype and backend of `t`. */
export function zerosLike(t: Tensor): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, backend: t.storage("zerosLike").backend });
}

/** Ones with the shape, dtype and backend of `t`. */
export function onesLike(t: Tensor): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, backend: t.storage("onesLike").backend });
}

function checkFinite(op: string, argument: string, value: number): void {
  if (!Number.isFinite(value)) throw new ArgumentError({ op, argument }, `expected a finite number, got ${value}`);
}

/**
 * Evenly spaced values in [start, stop) with `step`; `arange(n)` is 0, 1, …, n − 1.
 * The dtype is int32 when every argument is an integer, float32 otherwise.
 */
export function arange(start: number, stop?: number, step = 1, options?: CreationOptions): Tensor {
  const op = "arange";
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  checkFinite(op, "start", from);
  checkFinite(op, "stop", to);
  checkFinite(op, "step", step);
  if (step === 0) throw new ArgumentError({ op, argument: "step" }, "step must not be 0");
  const count = Math.max(0, Math.ceil((to - from) / step));
  const allInts = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(step);
  const { backend, dtype } = target(op, options, allInts ? "int32" : "float32");
  const values = allocate(dtype, count);
  if (dtype === "int32" && count > 0) {
    fitValue({ op, argument: "start" }, from, dtype);
    fitValue({ op, argument: "stop" }, from + (count - 1) * step, dtype, `(the last value)`);
  }
  for (let i = 0; i < count; i++) values[i] = from + i * step;
  return fromValues({ op }, values, [count], dtype, backend);
}

/** `num` evenly spaced float values from `start` to `stop`, both included. */
export function linspace(start: number, stop: number, num: number, options?: CreationOptions): Tensor {
  const op = "linspace";
  checkFinite(op, "start", start);
  checkFinite(op, "stop", stop);
  if (!Number.isInteger(num) || num < 0) throw new ArgumentError({ op, argument: "num" }, `expected a non-negative integer, got ${num}`);
  const { backend, dtype } = target(op, options, "float32");
  const values = allocate(dtype, num);
  const delta = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) values[i] = i === num - 1 && num > 1 ? stop : start + i * delta;
  return fromValues({ op }, values, [num], dtype, backend);
}

/** The identity matrix of `n` rows and `m` (default `n`) columns. */
export function eye(n: number, m = n, options?: CreationOptions): Tensor {
  const op = "eye";
  checkShape({ op, argument: "n, m" }, [n, m]);
  const { backend, dtype } = target(op, options, "float32");
  const values = allocate(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) values[i * m + i] = 1;
  return fromValues({ op }, values, [n, m], dtype, backend);
}
