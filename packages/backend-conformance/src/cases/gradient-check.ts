import { vjp } from "@neurite/autograd";
import type { DType, Tensor } from "@neurite/tensor-core";
import { ConformanceFailure } from "../case.js";
import { compareValues, expectTensor, operand, Tracker, type Operand } from "../check.js";
import { shapeText } from "../define.js";
import { nd, numel, store, type NdArray } from "../reference/nd.js";
import type { Rng } from "../rng.js";
import { gradientTolerance, toleranceFor } from "../tolerance.js";

/*
 * How a gradient case checks a backend. The vector-Jacobian product uᵀJ of a function f at x, for a random
 * cotangent u, is computed on the backend under test with autograd's `vjp`, in the case's dtype. The expected
 * value is the gradient of the scalar x ↦ ⟨u, f_ref(x)⟩, where f_ref is the kit's own float64 reference of the
 * forward function (plain JavaScript, `src/reference/`), estimated by central finite differences in float64.
 * Neither the op layer nor the backend takes part in the expected value.
 */

/** One gradient check: a function on the backend, the same function in the reference, and its inputs. */
export interface GradientSpec {
  /** What is differentiated, for messages: "conv2d", "softmax along axis 0"… */
  readonly op: string;
  /** The differentiated inputs (float values already storable in their dtype). Constants go in closures. */
  readonly inputs: readonly Operand[];
  /** The function on the backend under test, from tensor-core ops (and autograd itself, for second order). */
  readonly f: (...xs: Tensor[]) => Tensor;
  /** The same function on float64 plain numbers, from the kit's reference implementations. */
  readonly ref: (...xs: NdArray[]) => NdArray;
  /**
   * "full": every element of every gradient (two reference evaluations per element); "random": the
   * directional derivative along a few random unit directions, for large inputs. Default: "full" up to
   * 600 input elements.
   */
  readonly mode?: "full" | "random";
  /** Number of directions in "random" mode. Default 6. */
  readonly directions?: number;
  /** Central-difference step. Default 1e-5 (inputs keep further than that from any kink). */
  readonly eps?: number;
  /** The dtype whose gradient tolerance applies. Default: the first input's. */
  readonly tolerance?: DType;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function shapesOf(inputs: readonly Operand[]): string {
  return inputs.map((o) => `${o.name} ${o.dtype} ${shapeText(o.shape)}`).join(", ");
}

/** A standard normal sample (Box–Muller) from the case's generator. */
export function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

/** Runs `spec` on the backend (the current one) and compares its gradients with the float64 reference. */
export async function checkGradient(name: string, rng: Rng, spec: GradientSpec): Promise<void> {
  const { inputs } = spec;
  const tol = gradientTolerance(spec.tolerance ?? inputs[0]!.dtype);
  const reference = spec.ref(...inputs);
  const draws = Array.from({ length: numel(reference.shape) }, () => rng.uniform(-1, 1));
  const label = `${name}: the gradient of ⟨u, ${spec.op}⟩ (inputs ${shapesOf(inputs)})`;

  // uᵀJ on the backend under test.
  using tracker = new Tracker();
  const xs = inputs.map((o) => tracker.upload(o));
  const traced = vjp(spec.f, ...xs);
  let u: number[];
  let grads: Tensor[];
  try {
    const value = tracker.track(traced.value);
    if (!sameShape(value.shape, reference.shape)) {
      throw new ConformanceFailure(`${label}: ${spec.op} returned shape ${shapeText(value.shape)}, the reference gives ${shapeText(reference.shape)}`);
    }
    u = draws.map((v) => store(v, value.dtype));
    const cotangent = tracker.upload(operand("u", value.dtype, reference.shape, u));
    grads = tracker.track(traced.pullback(cotangent));
  } finally {
    traced.dispose();
  }
  const actual: ArrayLike<number>[] = [];
  for (const [i, g] of grads.entries()) {
    const o = inputs[i]!;
    if (!sameShape(g.shape, o.shape) || g.dtype !== o.dtype) {
      throw new ConformanceFailure(`${label}: the gradient of '${o.name}' is ${g.dtype} ${shapeText(g.shape)}, expected ${o.dtype} ${shapeText(o.shape)} like the input`);
    }
    actual.push(await g.data());
  }

  // ⟨u, f_ref(x)⟩ in float64, at perturbed copies of the inputs.
  const work = inputs.map((o) => ({ shape: o.shape, values: [...o.values] }));
  const objective = (): number => {
    const out = spec.ref(...work).values;
    let dot = 0;
    for (let j = 0; j < out.length; j++) dot += u[j]! * out[j]!;
    return dot;
  };
  const eps = spec.eps ?? 1e-5;
  const total = inputs.reduce((n, o) => n + o.values.length, 0);
  const mode = spec.mode ?? (total <= 600 ? "full" : "random");

  if (mode === "full") {
    for (const [i, o] of inputs.entries()) {
      const values = work[i]!.values;
      const numeric = values.map((v, j) => {
        values[j] = v + eps;
        const plus = objective();
        values[j] = v - eps;
        const minus = objective();
        values[j] = v;
        return (plus - minus) / (2 * eps);
      });
      const scale = numeric.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      compareValues(
        `${label} with respect to '${o.name}' differs from float64 finite differences of the reference`,
        actual[i]!,
        { shape: o.shape, values: numeric, dtype: o.dtype, tolerance: tol, scale: numeric.map(() => scale) },
        inputs,
      );
    }
    return;
  }
  const count = spec.directions ?? 6;
  const analytic: number[] = [];
  const numeric: number[] = [];
  for (let d = 0; d < count; d++) {
    const direction = inputs.map((o) => o.values.map(() => gaussian(rng)));
    const norm = Math.hypot(...direction.flat());
    let projected = 0;
    for (const [i, dir] of direction.entries()) {
      for (let j = 0; j < dir.length; j++) {
        dir[j] = dir[j]! / norm;
        projected += actual[i]![j]! * dir[j]!;
      }
    }
    const shifted = (sign: number): number => {
      for (const [i, o] of inputs.entries()) work[i]!.values.forEach((_, j, values) => (values[j] = o.values[j]! + sign * eps * direction[i]![j]!));
      return objective();
    };
    analytic.push(projected);
    numeric.push((shifted(1) - shifted(-1)) / (2 * eps));
  }
  const scale = numeric.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  compareValues(
    `${label}: its projections on ${count} random unit directions differ from float64 finite differences of the reference`,
    analytic,
    { shape: [count], values: numeric, dtype: spec.tolerance ?? inputs[0]!.dtype, tolerance: tol, scale: numeric.map(() => scale) },
    inputs,
  );
}

/** Reads a gradient the backend computed and compares it with values known in closed form. */
export async function expectGradientValues(label: string, g: Tensor, shape: readonly number[], want: readonly number[], inputs: readonly Operand[] = []): Promise<void> {
  const dtype = g.dtype;
  await expectTensor(label, g, { ...nd(shape, want.map((v) => store(v, dtype))), dtype, tolerance: toleranceFor(dtype, "transcendental") }, inputs);
}

// --- Inputs that keep away from kinks and ties ---

/** Values with |v| in [lo, hi) and a random sign: away from the kink of abs, relu, step… at 0. */
export function awayFromZero(rng: Rng, count: number, dtype: DType, lo = 0.1, hi = 3): number[] {
  return rng.values(count, dtype, (r) => (r.next() < 0.5 ? -1 : 1) * r.uniform(lo, hi));
}

/**
 * `count` distinct values in [lo, hi), shuffled, at least (hi − lo) / (2·count) apart: a max or min has no tie,
 * and a small step never changes which element wins.
 */
export function spaced(rng: Rng, count: number, dtype: DType, lo = -5, hi = 5): number[] {
  const width = (hi - lo) / count;
  const values = Array.from({ length: count }, (_, k) => store(lo + width * (k + 0.5 + rng.uniform(-0.25, 0.25)), dtype));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

/** Draws with `draw` until `ok` accepts (to keep inputs off a kink); a kit bug if 200 draws fail. */
export function drawUntil<T>(what: string, draw: () => T, ok: (value: T) => boolean): T {
  for (let attempt = 0; attempt < 200; attempt++) {
    const value = draw();
    if (ok(value)) return value;
  }
  throw new Error(`kit bug: 200 draws of ${what} all came too close to a kink`);
}

/** The smallest |v| of an array: how far it is from a kink at 0. */
export function margin(values: readonly number[]): number {
  return values.reduce((m, v) => Math.min(m, Math.abs(v)), Infinity);
}
