import { getBackend, isFloat, NeuriteError, setBackend, tensor, tidy, type Backend, type DType, type Tensor } from "@neurite/tensor-core";
import { noGrad } from "./control.js";
import { GradientError } from "./errors.js";
import { pullbackAt } from "./transforms.js";

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /**
   * The backend the finite differences run on, in float64 — it must declare float64. By default the inputs'
   * backend. A conformance kit passes a float64-capable reference (backend-cpu) here to check a backend that
   * has only float32.
   */
  readonly reference?: Backend;
  /**
   * The dtype of the analytic gradient, computed on the inputs' backend: float64 where that backend declares
   * it, else the inputs' own dtype.
   */
  readonly dtype?: "float32" | "float64";
  /** Central-difference step. Default 1e-6. */
  readonly eps?: number;
  /** Absolute tolerance. Default 1e-5 for a float64 analytic gradient, 1e-3 for float32. */
  readonly atol?: number;
  /** Relative tolerance (of the numeric value). Default 1e-3 for float64, 1e-2 for float32. */
  readonly rtol?: number;
  /**
   * "full" compares every element of every gradient (2 evaluations of f per element); "random" compares
   * directional derivatives along random unit directions (2 evaluations per direction), for large inputs.
   * Default: "full" up to 1000 elements in all, "random" above.
   */
  readonly mode?: "full" | "random";
  /** Number of random directions in "random" mode. Default 8. */
  readonly directions?: number;
  /** Seed of the random cotangent and directions, so a failure reproduces. Default 0. */
  readonly seed?: number;
  /** Throw a GradcheckError when a comparison fails (default), or only report it. */
  readonly throwOnFailure?: boolean;
}

/** One comparison of an analytic derivative with its finite-difference estimate. */
export interface GradcheckComparison {
  /** Which input ("full" mode), or -1 for a random direction. */
  readonly input: number;
  /** The element's flat index in that input ("full" mode), or the direction's number. */
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
}

/** What `gradcheck` found: how many comparisons, how many failed, and the worst one. */
export interface GradcheckReport {
  readonly ok: boolean;
  readonly mode: "full" | "random";
  /** Number of comparisons made. */
  readonly checked: number;
  readonly failures: number;
  readonly maxAbsError: number;
  /** The comparison furthest outside (or least inside) its tolerance. */
  readonly worst: GradcheckComparison | null;
  readonly atol: number;
  readonly rtol: number;
}

/** The analytic gradient disagrees with finite differences; `report` says where and by how much. */
export class GradcheckError extends NeuriteError {
  constructor(
    message: string,
    readonly report: GradcheckReport,
  ) {
    super({ op: "gradcheck" }, message);
  }
}

/** A small seeded generator (mulberry32), so checks are reproducible without touching the global stream. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

async function valuesOf(t: Tensor): Promise<Float64Array> {
  return Float64Array.from(await t.data());
}

/**
 * Checks the gradient of `f` at `inputs` against central finite differences computed in float64: the
 * test every gradient rule passes, for users' own rules and for backend authors. Non-scalar outputs are
 * checked through a random cotangent c, i.e. the gradient of ⟨c, f(x)⟩. Float inputs are differentiated;
 * int and bool inputs (indices, masks) are passed through unchanged.
 *
 * `f` is evaluated in float64 for the finite differences, so it should make any constants it needs with its
 * inputs' dtype (`tensor(v, { dtype: x.dtype })`) or use plain numbers, which take it automatically. The
 * analytic gradient is taken on the inputs' backend, which should be the current one; the finite
 * differences run with the reference made current for their duration.
 * Returns a report, and throws a GradcheckError naming the worst element when the check fails.
 *
 * ```ts
 * await gradcheck((x: Tensor) => x.tanh().sum(), [tensor([0.5, -1, 2], { dtype: "float64" })]);
 * // On a float32 backend (e.g. webgpu()), compare against the float64 reference: { reference: cpu() }
 * await gradcheck((x: Tensor) => x.square().sum(), [tensor([0.5, -1, 2])], { reference: cpu() });
 * ```
 */
export async function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): Promise<GradcheckReport> {
  const op = "gradcheck";
  const first = inputs[0];
  if (first === undefined) throw new GradientError({ op, argument: "inputs" }, "expected at least one input tensor");
  const backend = first.backend;
  const reference = options.reference ?? backend;
  if (!reference.capabilities.dtypes.includes("float64")) {
    throw new GradientError(
      { op, argument: "reference" },
      `backend '${reference.name}' does not declare float64, which finite differences need; pass a reference backend that does, e.g. { reference: cpu() }`,
    );
  }
  const differentiated = inputs.flatMap((t, i) => (isFloat(t.dtype) ? [i] : []));
  if (differentiated.length === 0) throw new GradientError({ op, argument: "inputs" }, "no float input to differentiate with respect to");
  const dtype: DType = options.dtype ?? (backend.capabilities.dtypes.includes("float64") ? "float64" : inputs[differentiated[0]!]!.dtype);
  const atol = options.atol ?? (dtype === "float64" ? 1e-5 : 1e-3);
  const rtol = options.rtol ?? (dtype === "float64" ? 1e-3 : 1e-2);
  const eps = options.eps ?? 1e-6;
  const random = generator(options.seed ?? 0);
  const values = await Promise.all(inputs.map(valuesOf));
  const total = differentiated.reduce((n, i) => n + inputs[i]!.size, 0);
  const mode = options.mode ?? (total <= 1000 ? "full" : "random");

  // The analytic gradient of ⟨c, f⟩ on the inputs' backend.
  const make = (i: number, v: Float64Array, on: Backend, as: DType): Tensor => {
    const t = inputs[i]!;
    return tensor(v, { shape: t.shape, dtype: isFloat(t.dtype) ? as : t.dtype, backend: on });
  };
  const analyticInputs = inputs.map((_, i) => make(i, values[i]!, backend, dtype));
  let cotangent: Float64Array;
  let analytic: Float64Array[];
  try {
    const { value, pullback, dispose } = pullbackAt(op, f as (...args: unknown[]) => unknown, analyticInputs, differentiated);
    try {
      cotangent = Float64Array.from({ length: value.size }, () => (value.size === 1 ? 1 : random() * 2 - 1));
      const c = tensor(cotangent, { shape: value.shape, dtype: value.dtype, backend });
      const grads = pullback(c);
      c.dispose();
      analytic = await Promise.all(grads.map(valuesOf));
      for (const g of grads) g.dispose();
    } finally {
      value.dispose();
      dispose();
    }
  } finally {
    for (const t of analyticInputs) t.dispose();
  }

  // ⟨c, f(x)⟩ in float64 on the reference backend, with the reference as the current backend so that any
  // constant f creates lands there too.
  const objective = (perturbed: readonly Float64Array[]): Promise<number> =>
    tidy(async () => {
      const xs = inputs.map((_, i) => make(i, perturbed[i]!, reference, "float64"));
      const out = await valuesOf(noGrad(() => f(...xs)));
      let dot = 0;
      for (let j = 0; j < out.length; j++) dot += out[j]! * cotangent[j]!;
      return dot;
    });
  const previous = reference === backend ? null : getBackend();
  if (previous !== null) await setBackend(reference);
  const comparisons: GradcheckComparison[] = [];
  try {
    const centralDifference = async (direction: readonly (Float64Array | null)[]): Promise<number> => {
      const shifted = (sign: number) => values.map((v, i) => (direction[i] ? v.map((x, j) => x + sign * eps * direction[i]![j]!) : v));
      return ((await objective(shifted(1))) - (await objective(shifted(-1)))) / (2 * eps);
    };
    if (mode === "full") {
      for (const [k, i] of differentiated.entries()) {
        for (let j = 0; j < inputs[i]!.size; j++) {
          const unit = inputs.map((t, m) => (m === i ? Float64Array.from({ length: t.size }, (_, e) => (e === j ? 1 : 0)) : null));
          comparisons.push({ input: i, index: j, analytic: analytic[k]![j]!, numeric: await centralDifference(unit) });
        }
      }
    } else {
      for (let d = 0; d < (options.directions ?? 8); d++) {
        const direction = inputs.map((t, i) => (differentiated.includes(i) ? Float64Array.from({ length: t.size }, () => gaussian(random)) : null));
        const norm = Math.hypot(...direction.flatMap((v) => (v ? [...v] : [])));
        for (const v of direction) v?.forEach((x, j) => (v[j] = x / norm));
        const projected = differentiated.reduce((s, i, k) => s + analytic[k]!.reduce((t, g, j) => t + g * direction[i]![j]!, 0), 0);
        comparisons.push({ input: -1, index: d, analytic: projected, numeric: await centralDifference(direction) });
      }
    }
  } finally {
    if (previous !== null) await setBackend(previous);
  }
  return judge(comparisons, mode, atol, rtol, options.throwOnFailure ?? true);
}

/** Compares every pair against atol + rtol·|numeric|; NaN on either side fails. */
function judge(comparisons: readonly GradcheckComparison[], mode: "full" | "random", atol: number, rtol: number, throwOnFailure: boolean): GradcheckReport {
  let worst: GradcheckComparison | null = null;
  let worstRatio = -1;
  let failures = 0;
  let maxAbsError = 0;
  for (const c of comparisons) {
    const error = Math.abs(c.analytic - c.numeric);
    const ratio = error / (atol + rtol * Math.abs(c.numeric));
    const failed = !(ratio <= 1);
    if (failed) failures++;
    if (!Number.isNaN(error)) maxAbsError = Math.max(maxAbsError, error);
    if (Number.isNaN(ratio) ? worstRatio !== Infinity : ratio > worstRatio) {
      worst = c;
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
    }
  }
  const report: GradcheckReport = { ok: failures === 0, mode, checked: comparisons.length, failures, maxAbsError, worst, atol, rtol };
  if (!report.ok && throwOnFailure && worst !== null) {
    const where = worst.input === -1 ? `along random direction ${worst.index}` : `at element ${worst.index} of input ${worst.input}`;
    throw new GradcheckError(
      `${failures} of ${comparisons.length} derivatives disagree with finite differences; the worst is ${where}: ` +
        `analytic ${worst.analytic}, numeric ${worst.numeric} (|difference| ${Math.abs(worst.analytic - worst.numeric)} > atol ${atol} + rtol ${rtol} · |numeric|)`,
      report,
    );
  }
  return report;
}
