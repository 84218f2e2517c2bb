import { allocate, matchesDType, tensor, type DType, type Tensor, type TypedArray } from "@neurite/tensor-core";
import { ConformanceFailure } from "./case.js";
import { numel, unravel, type NdArray } from "./reference/nd.js";
import type { Tolerance } from "./tolerance.js";

/** A named input of a case: plain numbers (already storable in `dtype`), a shape and a dtype. */
export interface Operand extends NdArray {
  readonly name: string;
  readonly dtype: DType;
}

/** A named input of a case; its values must already be storable in `dtype`. */
export function operand(name: string, dtype: DType, shape: readonly number[], values: readonly number[]): Operand {
  if (values.length !== numel(shape)) throw new Error(`kit bug: operand ${name} has ${values.length} values for shape [${shape.join(", ")}]`);
  return { name, dtype, shape: [...shape], values };
}

/** A result a case expects: values (and optionally per-element magnitudes for the tolerance), shape, dtype. */
export interface Expected extends NdArray {
  readonly dtype: DType;
  readonly tolerance: Tolerance;
  /** Per-element magnitude the tolerance is relative to when it exceeds |expected| (Σ|terms| of a sum). */
  readonly scale?: readonly number[];
}

/** The expected result of a case: values, dtype and tolerance (and an optional error scale). */
export function expected(x: NdArray, dtype: DType, tolerance: Tolerance, scale?: NdArray): Expected {
  return scale === undefined ? { shape: x.shape, values: x.values, dtype, tolerance } : { shape: x.shape, values: x.values, dtype, tolerance, scale: scale.values };
}

/** The typed array that stores `dtype`, filled with `values`. */
export function typedArray(dtype: DType, values: readonly number[]): TypedArray {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
}

/** Tensors a case made; `dispose()` frees them all, so a failing case does not leave tensors behind. */
export class Tracker {
  private readonly tensors: Tensor[] = [];

  track<T extends Tensor | readonly Tensor[]>(t: T): T {
    if (Array.isArray(t)) this.tensors.push(...(t as readonly Tensor[]));
    else this.tensors.push(t as Tensor);
    return t;
  }

  upload(o: Operand): Tensor {
    return this.track(tensor(typedArray(o.dtype, o.values), { shape: o.shape, dtype: o.dtype }));
  }

  [Symbol.dispose](): void {
    for (const t of this.tensors) t.dispose();
    this.tensors.length = 0;
  }
}

/** A number as the messages show it: enough digits to tell float32 neighbours apart. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (Number.isInteger(v)) return Object.is(v, -0) ? "-0" : String(v);
  return String(Number(v.toPrecision(9)));
}

/** `dtype [shape] [v0, v1, …]` with at most `limit` values, plus the values around `focus` when it is beyond them. */
export function describeValues(dtype: DType, shape: readonly number[], values: ArrayLike<number>, focus?: number, limit = 8): string {
  const head = `${dtype} [${shape.join(", ")}]`;
  const n = values.length;
  const show = (from: number, to: number): string[] => Array.from({ length: Math.max(0, Math.min(to, n) - from) }, (_, i) => formatNumber(values[from + i]!));
  if (n <= limit) return `${head} [${show(0, n).join(", ")}]`;
  const parts = show(0, limit);
  if (focus !== undefined && focus >= limit) {
    const from = Math.max(limit, focus - 2);
    if (from > limit) parts.push("…");
    parts.push(...show(from, focus + 3));
  }
  return `${head} [${parts.join(", ")}${Math.max(limit, (focus ?? 0) + 3) < n ? ", …" : ""}] (${n} values)`;
}

function describeOperands(inputs: readonly Operand[]): [string, string][] {
  return inputs.map((o) => [o.name, describeValues(o.dtype, o.shape, o.values)]);
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Compares values with a tolerance: NaN matches only NaN, infinities match only themselves, and finite
 * values must satisfy `|a − e| ≤ atol + rtol · max(|e|, scale)`. Throws a ConformanceFailure naming the worst
 * element (the one furthest past its bound) and how many elements are off.
 */
export function compareValues(label: string, actual: ArrayLike<number>, want: Expected, inputs: readonly Operand[]): void {
  const { atol, rtol } = want.tolerance;
  let bad = 0;
  let worst = -1;
  let worstRatio = -1;
  let worstBound = 0;
  for (let i = 0; i < want.values.length; i++) {
    const e = want.values[i]!;
    const a = actual[i]!;
    if (Number.isNaN(e) && Number.isNaN(a)) continue;
    if (e === a) continue;
    const bound = atol + rtol * Math.max(Math.abs(e), want.scale?.[i] ?? 0);
    const diff = Math.abs(a - e);
    // NaN or an infinity where the other side differs: always a mismatch.
    const ok = Number.isFinite(e) && Number.isFinite(a) && diff <= bound;
    if (ok) continue;
    bad++;
    const ratio = bound === 0 || !Number.isFinite(diff) ? Infinity : diff / bound;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      worst = i;
      worstBound = bound;
    }
  }
  if (bad === 0) return;
  const e = want.values[worst]!;
  const a = actual[worst]!;
  const exact = atol === 0 && rtol === 0;
  const scale = want.scale?.[worst];
  throw new ConformanceFailure(
    `${label}: ${bad} of ${want.values.length} elements differ; worst: expected ${formatNumber(e)}, got ${formatNumber(a)}` +
      (Number.isFinite(a - e) ? ` (|diff| ${formatNumber(Math.abs(a - e))})` : ""),
    {
      inputs: describeOperands(inputs),
      expected: describeValues(want.dtype, want.shape, want.values, worst),
      actual: describeValues(want.dtype, want.shape, actual, worst),
      index: { nd: unravel(worst, want.shape), flat: worst },
      tolerance: exact
        ? "exact (int32 and bool must match exactly; NaN matches NaN)"
        : `|actual − expected| ≤ atol ${atol} + rtol ${rtol} · max(|expected|${scale === undefined ? "" : `, scale ${formatNumber(scale)}`}) = ${formatNumber(worstBound)}`,
    },
  );
}

/** Reads `t` and checks its shape, dtype, storage array type and values against `want`. */
export async function expectTensor(label: string, t: Tensor, want: Expected, inputs: readonly Operand[] = []): Promise<void> {
  if (!sameShape(t.shape, want.shape)) {
    throw new ConformanceFailure(`${label}: result has shape [${t.shape.join(", ")}], expected [${want.shape.join(", ")}]`, {
      inputs: describeOperands(inputs),
    });
  }
  if (t.dtype !== want.dtype) {
    throw new ConformanceFailure(`${label}: result has dtype ${t.dtype}, expected ${want.dtype}`, { inputs: describeOperands(inputs) });
  }
  const data = await t.data();
  if (!matchesDType(data, want.dtype)) {
    throw new ConformanceFailure(`${label}: read() returned a ${data.constructor.name} for a ${want.dtype} tensor`, { inputs: describeOperands(inputs) });
  }
  if (data.length !== want.values.length) {
    throw new ConformanceFailure(`${label}: read() returned ${data.length} values for shape [${t.shape.join(", ")}] (${want.values.length} expected)`, {
      inputs: describeOperands(inputs),
    });
  }
  compareValues(label, data, want, inputs);
}

/** Checks that the inputs still hold their values: kernels must not write to their inputs. */
export async function expectUnchanged(label: string, tensors: readonly Tensor[], inputs: readonly Operand[]): Promise<void> {
  for (const [i, o] of inputs.entries()) {
    const data = await tensors[i]!.data();
    compareValues(`${label}: input '${o.name}' was modified by the op`, data, { ...o, tolerance: { atol: 0, rtol: 0 } }, inputs);
  }
}

/**
 * The common shape of an op case: upload `inputs`, run `op` on them, compare each result with the expected
 * values, check that the inputs are untouched, and dispose everything.
 */
export async function checkOp(
  label: string,
  inputs: readonly Operand[],
  op: (tensors: Tensor[]) => Tensor | readonly Tensor[],
  want: Expected | readonly Expected[],
): Promise<void> {
  using tracker = new Tracker();
  const tensors = inputs.map((o) => tracker.upload(o));
  const result = tracker.track(op(tensors));
  const results: readonly Tensor[] = Array.isArray(result) ? result : [result as Tensor];
  const wants: readonly Expected[] = Array.isArray(want) ? want : [want as Expected];
  if (results.length !== wants.length) throw new ConformanceFailure(`${label}: got ${results.length} results, expected ${wants.length}`);
  for (const [i, r] of results.entries()) await expectTensor(wants.length > 1 ? `${label} (result ${i})` : label, r, wants[i]!, inputs);
  await expectUnchanged(label, tensors, inputs);
}
