import { refused, type InputCheck } from "@neurite/losses";
import { concat, keep, ProgramBuilder, runProgram, scalar, tidy, type ElementwiseProgram, type Expr, type Tensor } from "@neurite/tensor-core";
import { TrainingError } from "./errors.js";

/** What a NaN or infinite loss or gradient does in `fit`. */
export type NonFinitePolicy = "error" | "skip";

/**
 * One step's health on the device, read at the next log point: its scalars (the loss, each gradient's sum,
 * the metrics, each input check's values) concatenated into one vector per dtype, and where each one sits.
 */
interface StepRecord {
  readonly epoch: number;
  readonly step: number;
  readonly size: number;
  /** One vector per dtype, in the order of `items`' first appearance of that dtype. */
  readonly parts: readonly Tensor[];
  /** For each scalar, in recording order: its part and position there. */
  readonly items: readonly (readonly [part: number, index: number])[];
  readonly parameters: readonly string[];
  readonly metrics: readonly string[];
  readonly checks: readonly Pick<InputCheck, "ranges" | "refusedWhen" | "refuse">[];
}

/** What one read of an interval found. */
export interface IntervalReport {
  /** Updates that went through. */
  readonly steps: number;
  /** Updates skipped because the loss or a gradient was not finite (policy "skip"). */
  readonly skipped: number;
  /** Σ value × batch size over the updates that went through, by name ("loss" and each metric). */
  readonly sums: ReadonlyMap<string, number>;
  /** Samples behind `sums`. */
  readonly seen: number;
  /** The first step that must stop training (a non-finite value under "error", a refused input), if any. */
  readonly failure: TrainingError | null;
}

/**
 * Everything `fit` tracks between two log points, kept on the device so that a step never waits for it: each
 * step's loss, metrics and health. Each step also gets a guard (a bool scalar) for the optimizer: false when
 * this step's loss or gradients are not finite or its input was refused, and for every step after one that
 * must stop training — so the weights end as they were before it, and `read` can name it. A step costs one
 * sum per gradient, one concatenation per dtype and two or three small programs; the running sums are added
 * on the host when the interval is read.
 */
export class Interval {
  readonly #policy: NonFinitePolicy;
  /** No step so far must stop training (bool scalar), or null before the first step. */
  #healthy: Tensor | null = null;
  #records: StepRecord[] = [];
  /** The guard's programs, built once per shape of the conjunction (every step of a fit has the same). */
  readonly #programs = new Map<string, ElementwiseProgram>();

  constructor(policy: NonFinitePolicy) {
    this.#policy = policy;
  }

  /** Steps recorded since the last read. */
  get pending(): number {
    return this.#records.length;
  }

  /**
   * Records one step — its loss, gradients, metrics (scalars) and input checks (it takes over the checks'
   * tensors) — and returns the guard for its update (the caller disposes it).
   */
  guard(
    at: { readonly epoch: number; readonly step: number; readonly size: number },
    loss: Tensor,
    grads: Readonly<Record<string, Tensor>>,
    metrics: ReadonlyMap<string, Tensor>,
    checks: readonly InputCheck[],
  ): Tensor {
    const parameters = Object.keys(grads);
    const previous = this.#healthy;
    try {
      const { record, healthy, guard } = tidy(() => {
        // A sum is NaN or ±∞ when any element is (and never when none is, short of overflowing float32's
        // 3.4e38, where a step is meaningless anyway): one reduction per gradient says whether it is finite.
        const sums = parameters.map((name) => grads[name]!.sum());
        const scalars = [loss, ...sums, ...metrics.values(), ...checks.flatMap((c) => c.values)].map((t) => (t.size === 1 && t.rank > 0 ? t.reshape([]) : t));
        const record = pack(scalars);
        // The guard's programs: every input check passes (and no earlier step must stop training) …
        const finite = (p: ProgramBuilder, x: Expr): Expr => p.binary("equal", p.binary("sub", x, x), 0);
        const terms: Term[] = [];
        if (previous !== null) terms.push({ inputs: [previous], key: "h", test: (_p, [h]) => h! });
        let offset = 1 + sums.length + metrics.size;
        for (const check of checks) {
          const first = offset;
          offset += check.values.length;
          terms.push({ inputs: scalars.slice(first, offset), key: `${check.refusedWhen}:${check.ranges.join(";")}`, test: (p, xs) => passes(p, check, xs) });
        }
        const accepted = (list: readonly Term[]): Tensor | null => (list.length === 0 ? null : all("fit", list, this.#programs));
        // … and, under "error", the loss and every gradient are finite; under "skip" that decides this step only.
        const lossAndGradients: Term[] = [loss, ...sums].map((t) => ({ inputs: [t], key: "finite", test: (p, [x]) => finite(p, x!) }));
        let healthy: Tensor;
        let guard: Tensor;
        if (this.#policy === "error") {
          healthy = accepted([...terms, ...lossAndGradients])!;
          guard = healthy.clone();
        } else {
          healthy = accepted(terms) ?? scalar(true);
          guard = accepted([{ inputs: [healthy], key: "h", test: (_p, [h]) => h! }, ...lossAndGradients])!;
        }
        return { record: keep(record), healthy: keep(healthy), guard: keep(guard) };
      });
      this.#healthy = healthy;
      this.#records.push({ ...at, ...record, parameters, metrics: [...metrics.keys()], checks });
      return guard;
    } finally {
      for (const c of checks) for (const t of c.values) t.dispose();
      if (this.#healthy !== previous) previous?.dispose();
    }
  }

  /** Reads everything back in one transfer and starts a new interval. */
  async read(): Promise<IntervalReport> {
    const records = this.#records;
    this.#records = [];
    this.#healthy?.dispose();
    this.#healthy = null;
    if (records.length === 0) return { steps: 0, skipped: 0, sums: new Map(), seen: 0, failure: null };
    // One vector of every part of every step: parts of one dtype concatenated, cast to float32 (float64 when a
    // model trains in it, so a value the guard saw as finite reads back finite), then joined.
    const all = tidy(() => {
      const byDtype = new Map<string, Tensor[]>();
      for (const r of records) for (const p of r.parts) byDtype.set(p.dtype, [...(byDtype.get(p.dtype) ?? []), p]);
      const wide = byDtype.has("float64") ? "float64" : "float32";
      const joined = [...byDtype.values()].map((parts) => concat(parts, 0).cast(wide));
      return keep(joined.length === 1 ? joined[0]!.clone() : concat(joined, 0));
    });
    // Where each record's part starts in `all`, in the same dtype-major order.
    const starts = new Map<Tensor, number>();
    let position = 0;
    for (const dtype of new Set(records.flatMap((r) => r.parts.map((p) => p.dtype)))) {
      for (const r of records) {
        for (const p of r.parts) {
          if (p.dtype !== dtype) continue;
          starts.set(p, position);
          position += p.size;
        }
      }
    }
    for (const r of records) for (const p of r.parts) p.dispose();
    let values: ArrayLike<number>;
    try {
      values = await all.data();
    } finally {
      all.dispose();
    }
    const sums = new Map<string, number>();
    let seen = 0;
    let steps = 0;
    let skipped = 0;
    for (const record of records) {
      const health = record.items.map(([part, index]) => values[starts.get(record.parts[part]!)! + index]!);
      const failure = this.#diagnose(record, health);
      if (failure === "skipped") {
        skipped++;
        continue;
      }
      if (failure !== null) return { steps, skipped, sums, seen, failure };
      steps++;
      // The running sums, in float64 on the host: Σ value × batch size over the updates that went through.
      seen += record.size;
      ["loss", ...record.metrics].forEach((name, i) => {
        const at = i === 0 ? 0 : 1 + record.parameters.length + (i - 1);
        sums.set(name, (sums.get(name) ?? 0) + health[at]! * record.size);
      });
    }
    return { steps, skipped, sums, seen, failure: null };
  }

  /** Whether one step went through (null), was skipped, or must stop training (the error to throw). */
  #diagnose(record: StepRecord, health: readonly number[]): TrainingError | "skipped" | null {
    const { epoch, step } = record;
    let offset = 1 + record.parameters.length + record.metrics.length;
    for (const check of record.checks) {
      const values = health.slice(offset, offset + check.ranges.length);
      offset += check.ranges.length;
      if (refused(check, values)) {
        const error = check.refuse(values);
        return new TrainingError(`the batch at epoch ${epoch}, step ${step} was refused by the loss: ${error.message}`, epoch, step, { cause: error });
      }
    }
    const loss = health[0]!;
    const bad = record.parameters.filter((_, i) => !Number.isFinite(health[1 + i]));
    if (Number.isFinite(loss) && bad.length === 0) return null;
    if (this.#policy === "skip") return "skipped";
    const what = Number.isFinite(loss)
      ? `the loss was finite (${loss}) but the gradient of ${bad.map((n) => `'${n}'`).join(", ")} became NaN or infinite`
      : `the loss became ${loss}${bad.length > 0 ? ` (gradient of ${bad.map((n) => `'${n}'`).join(", ")} not finite)` : ""}`;
    return new TrainingError(
      `${what} at epoch ${epoch}, step ${step}; the weights are those from before that step. Lower the learning rate, check the data for NaN, or pass onNonFinite: "skip"`,
      epoch,
      step,
      { parameter: bad[0] },
    );
  }

  /** Frees what the interval holds (on a read, and when `fit` stops on an error). */
  dispose(): void {
    this.#healthy?.dispose();
    this.#healthy = null;
    for (const r of this.#records) for (const p of r.parts) p.dispose();
    this.#records = [];
  }
}

/** One conjunct of a guard: a bool expression over a few scalars, and a key naming the expression. */
interface Term {
  readonly inputs: readonly Tensor[];
  readonly key: string;
  readonly test: (p: ProgramBuilder, inputs: readonly Expr[]) => Expr;
}

/**
 * The bool scalar "every term holds", in as few programs as WebGPU's default limits allow: a program reads at
 * most 7 tensors (8 storage buffers with its output), so a long conjunction is a chain of programs, each one
 * reading the previous one's result.
 */
function all(op: string, terms: readonly Term[], programs: Map<string, ElementwiseProgram>): Tensor {
  const LIMIT = 7;
  let carried: Tensor | null = null;
  const pending = [...terms];
  const made: Tensor[] = [];
  try {
    while (pending.length > 0) {
      const chunk: Term[] = [];
      let count = carried === null ? 0 : 1;
      while (pending.length > 0 && (chunk.length === 0 || count + pending[0]!.inputs.length <= LIMIT)) {
        count += pending[0]!.inputs.length;
        chunk.push(pending.shift()!);
      }
      const inputs = [...(carried === null ? [] : [carried]), ...chunk.flatMap((t) => t.inputs)];
      const key = `${carried === null ? "" : "carried&"}${chunk.map((t) => t.key).join("&")}|${inputs.map((t) => t.dtype).join()}`;
      let program = programs.get(key);
      if (program === undefined) {
        const builder = new ProgramBuilder(
          op,
          inputs.map((t) => t.dtype),
        );
        let index = 0;
        let result: Expr | null = carried === null ? null : builder.input(index++);
        for (const term of chunk) {
          const xs = term.inputs.map(() => builder.input(index++));
          const holds = term.test(builder, xs);
          result = result === null ? holds : builder.binary("logicalAnd", result, holds);
        }
        program = builder.build(result!);
        if (programs.size >= 64) programs.clear();
        programs.set(key, program);
      }
      carried = runProgram(op, program, inputs);
      made.push(carried);
    }
    return carried!;
  } finally {
    for (const t of made) if (t !== carried) t.dispose();
  }
}

/** Whether a check's values (program inputs) let its input through, as `refused` decides on the host. */
function passes(p: ProgramBuilder, check: Pick<InputCheck, "ranges" | "refusedWhen">, xs: readonly Expr[]): Expr {
  // An infinite bound is no comparison at all (and no constant an int32 value could not hold).
  const tests = check.ranges.flatMap(([low, high], i) => [
    ...(low === -Infinity ? [] : [p.binary("greaterEqual", xs[i]!, low)]),
    ...(high === Infinity ? [] : [p.binary("lessEqual", xs[i]!, high)]),
  ]);
  const inside = tests.reduce((a, b) => p.binary("logicalAnd", a, b));
  return check.refusedWhen === "inside" ? p.unary("logicalNot", inside) : inside;
}

/** Scalars packed into one vector per dtype (a part of one scalar is that scalar), and where each one went. */
function pack(scalars: readonly Tensor[]): Pick<StepRecord, "parts" | "items"> {
  const groups = new Map<string, Tensor[]>();
  const items = scalars.map((t): [number, number] => {
    const group = groups.get(t.dtype) ?? [];
    if (!groups.has(t.dtype)) groups.set(t.dtype, group);
    group.push(t);
    return [[...groups.keys()].indexOf(t.dtype), group.length - 1];
  });
  const parts = [...groups.values()].map((group) => (group.length === 1 ? group[0]!.reshape([1]) : concat(group.map((t) => t.reshape([1])), 0)));
  return { parts, items };
}
