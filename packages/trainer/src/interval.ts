import type { InputCheck } from "@neurite/losses";
import { concat, keep, scalar, tidy, where, type Tensor } from "@neurite/tensor-core";
import { TrainingError } from "./errors.js";

/** What a NaN or infinite loss or gradient does in `fit`. */
export type NonFinitePolicy = "error" | "skip";

/** One step's health on the device: [loss, Σ0·g per parameter…, each input check's values…]. */
interface StepRecord {
  readonly epoch: number;
  readonly step: number;
  readonly health: Tensor;
  readonly parameters: readonly string[];
  readonly checks: readonly { readonly length: number; readonly refuse: InputCheck["refuse"] }[];
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
 * Everything `fit` tracks between two log points, kept on the device so that a step never waits for it:
 * the running sums of the loss and metrics, and each step's health. Each step also gets a guard (a bool
 * scalar) for the optimizer: false when this step's loss or gradients are not finite, and for every step after
 * one that must stop training — so the weights end as they were before it, and `read` can name it.
 */
export class Interval {
  readonly #policy: NonFinitePolicy;
  readonly #sums = new Map<string, Tensor>();
  #seen: Tensor | null = null;
  /** No step so far must stop training (bool scalar), or null before the first step. */
  #healthy: Tensor | null = null;
  #records: StepRecord[] = [];

  constructor(policy: NonFinitePolicy) {
    this.#policy = policy;
  }

  /** Steps recorded since the last read. */
  get pending(): number {
    return this.#records.length;
  }

  /**
   * Records one step's loss, gradients and input checks (it takes over `checks`' tensors) and returns the
   * guard for its update (the caller disposes it).
   */
  guard(epoch: number, step: number, loss: Tensor, grads: Readonly<Record<string, Tensor>>, checks: readonly InputCheck[]): Tensor {
    const parameters = Object.keys(grads);
    const previous = this.#healthy;
    const { health, healthy, guard } = tidy(() => {
      // x·0 is 0 for a finite x and NaN for NaN or ±∞, so one sum says whether a whole gradient is finite.
      const finiteness = [loss.cast("float32").reshape([1]), ...parameters.map((name) => grads[name]!.mul(0).sum().cast("float32").reshape([1]))];
      const health = concat([...finiteness, ...checks.map((c) => c.values)], 0);
      const finite = concat(finiteness, 0).mul(0).sum().equal(0);
      const inputsOk = checks.length === 0 ? scalar(true) : concat(checks.map((c) => c.values.slice([0], [1])), 0).sum().equal(0);
      let healthy = this.#policy === "error" ? inputsOk.logicalAnd(finite) : inputsOk;
      if (previous !== null) healthy = healthy.logicalAnd(previous);
      return { health: keep(health), healthy: keep(healthy), guard: keep(healthy.logicalAnd(finite)) };
    });
    for (const c of checks) c.values.dispose();
    previous?.dispose();
    this.#healthy = healthy;
    this.#records.push({ epoch, step, health, parameters, checks: checks.map((c) => ({ length: c.values.size, refuse: c.refuse })) });
    return guard;
  }

  /** Adds a step's loss and metrics (scalars), weighted by `size`, where `guard` let the update through. */
  add(values: ReadonlyMap<string, Tensor>, guard: Tensor, size: number): void {
    for (const [name, value] of values) {
      const previous = this.#sums.get(name);
      this.#sums.set(name, tidy(() => keep(accumulate(previous, where(guard, value.cast("float32").mul(size), 0)))));
      previous?.dispose();
    }
    const previous = this.#seen;
    this.#seen = tidy(() => keep(accumulate(previous, where(guard, size, 0))));
    previous?.dispose();
  }

  /** Reads everything back in one transfer and starts a new interval. */
  async read(): Promise<IntervalReport> {
    const names = [...this.#sums.keys()];
    const parts = [...names.map((n) => this.#sums.get(n)!.reshape([1])), ...(this.#seen === null ? [] : [this.#seen.reshape([1])]), ...this.#records.map((r) => r.health)];
    const records = this.#records;
    const hadSeen = this.#seen !== null;
    this.#records = [];
    this.dispose();
    if (parts.length === 0) return { steps: 0, skipped: 0, sums: new Map(), seen: 0, failure: null };
    const all = tidy(() => keep(concat(parts, 0)));
    for (const p of parts) p.dispose();
    let values: ArrayLike<number>;
    try {
      values = await all.data();
    } finally {
      all.dispose();
    }
    const sums = new Map(names.map((n, i) => [n, values[i]!]));
    const seen = hadSeen ? values[names.length]! : 0;
    let offset = names.length + (hadSeen ? 1 : 0);
    let steps = 0;
    let skipped = 0;
    for (const record of records) {
      const size = 1 + record.parameters.length + record.checks.reduce((n, c) => n + c.length, 0);
      const failure = this.#diagnose(record, Array.from({ length: size }, (_, i) => values[offset + i]!));
      offset += size;
      if (failure === "skipped") skipped++;
      else if (failure === null) steps++;
      else return { steps, skipped, sums, seen, failure };
    }
    return { steps, skipped, sums, seen, failure: null };
  }

  /** Whether one step went through (null), was skipped, or must stop training (the error to throw). */
  #diagnose(record: StepRecord, health: readonly number[]): TrainingError | "skipped" | null {
    const { epoch, step } = record;
    let offset = 1 + record.parameters.length;
    for (const check of record.checks) {
      const values = health.slice(offset, offset + check.length);
      offset += check.length;
      if (values[0] !== 0) {
        const refused = check.refuse(values);
        return new TrainingError(`the batch at epoch ${epoch}, step ${step} was refused by the loss: ${refused.message}`, epoch, step, { cause: refused });
      }
    }
    const loss = health[0]!;
    const bad = record.parameters.filter((_, i) => health[1 + i] !== 0);
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
    for (const t of this.#sums.values()) t.dispose();
    this.#sums.clear();
    this.#seen?.dispose();
    this.#seen = null;
    this.#healthy?.dispose();
    this.#healthy = null;
    for (const r of this.#records) r.health.dispose();
    this.#records = [];
  }
}

function accumulate(previous: Tensor | null | undefined, value: Tensor): Tensor {
  return previous === null || previous === undefined ? value : previous.add(value);
}
