import { ProgramBuilder, runOutputs, runProgram, type ElementwiseProgram, type Expr, type MultiOutputProgram, type Tensor } from "@neurite/tensor-core";

/** The values an update program reads, by name; a slot that does not exist yet is left out. */
export type Values<K extends string> = Readonly<Partial<Record<K, Expr | undefined>>>;

/** What a guarded output falls back to where the guard is false: its previous tensor, or its starting value. */
export interface Skip {
  readonly guard: Tensor | undefined;
  readonly old: Tensor | number;
}

/**
 * One output of an update rule — a new slot or the new parameter — computed by one elementwise program over
 * the named `inputs`: one kernel on a backend with the `elementwise` capability, its primitives elsewhere.
 * Hyper-parameters are numbers in `body`, so they are program constants (a changed learning rate or bias
 * correction reuses the compiled kernel: a program's cache key leaves constant values out). With a guard,
 * the program ends in `where(guard, new, old)`, so a skipped step costs no extra kernel. With `cached`, the
 * program is built once per key (see `ProgramCache`).
 *
 * `body` must build the same node sequence the tensor-op form of the rule runs, so both give the same bits.
 *
 * ```ts
 * const [m, g, guard] = [tensor([0.5, -1]), tensor([1, 2]), scalar(true)];
 * // m ← β₁m + (1 − β₁)g, kept as it was where the guard is false: one kernel
 * const next = updateProgram("momentum", { m, g }, (p, x) => p.binary("add", p.binary("mul", x.m!, 0.9), p.binary("mul", x.g!, 0.1)), { guard, old: m });
 * ```
 */
export function updateProgram<K extends string>(
  op: string,
  inputs: Readonly<Partial<Record<K, Tensor | undefined>>>,
  body: (p: ProgramBuilder, x: Values<K>) => Expr,
  skip?: Skip,
  cached?: CachedBody,
): Tensor {
  return updateOutputs(op, inputs, (p, x) => [body(p, x)], skip === undefined ? undefined : { guard: skip.guard, old: [skip.old] }, cached)[0]!;
}

/** What guarded outputs fall back to where the guard is false: one previous tensor or starting value each. */
export interface SkipAll {
  readonly guard: Tensor | undefined;
  readonly old: readonly (Tensor | number)[];
}

/**
 * Built update programs of one optimizer, by what they compute: an update rule builds the same program every
 * step, and building it (and its key) costs more host time than a small parameter's kernel.
 *
 * ```ts
 * const cache = new ProgramCache();
 * const [m, g] = [tensor([0.5, -1]), tensor([1, 2])];
 * // Built on the first call, reused by every call with the same key (which names the constants 0.9 and 0.1).
 * const [next] = updateOutputs("momentum", { m, g }, (p, x) => [p.binary("add", p.binary("mul", x.m!, 0.9), p.binary("mul", x.g!, 0.1))], undefined, { cache, key: "0.9,0.1" });
 * ```
 */
export class ProgramCache {
  readonly #programs = new Map<string, ElementwiseProgram | MultiOutputProgram>();

  /** The program under `key`, built by `build` the first time (a few dozen are kept: enough for a model's parameter shapes and dtypes). */
  get(key: string, build: () => ElementwiseProgram | MultiOutputProgram): ElementwiseProgram | MultiOutputProgram {
    let program = this.#programs.get(key);
    if (program === undefined) {
      if (this.#programs.size >= 64) this.#programs.clear();
      program = build();
      this.#programs.set(key, program);
    }
    return program;
  }
}

/**
 * A cache for `updateOutputs`: `key` must name everything `body` reads besides its inputs (the
 * hyper-parameters it puts in as constants), so that one key always builds the same program.
 */
export interface CachedBody {
  readonly cache: ProgramCache;
  readonly key: string;
}

/**
 * Several outputs of an update rule computed by one elementwise program (`updateProgram` for each result of
 * `body`, in one pass): Adam's new moments and new parameter read the gradient and the old values once, in
 * one kernel on a backend with the `elementwiseMulti` capability (one program per output elsewhere). With
 * `cached`, the program is built once per key (see `ProgramCache`) and only run on later calls.
 *
 * ```ts
 * const [m, g, guard] = [tensor([0.5, -1]), tensor([1, 2]), scalar(true)];
 * // the new momentum and its square, each kept as it was where the guard is false
 * const [next, square] = updateOutputs("momentum", { m, g }, (p, x) => {
 *   const n = p.binary("add", p.binary("mul", x.m!, 0.9), p.binary("mul", x.g!, 0.1));
 *   return [n, p.binary("mul", n, n)];
 * }, { guard, old: [m, 0] });
 * ```
 */
export function updateOutputs<K extends string>(
  op: string,
  inputs: Readonly<Partial<Record<K, Tensor | undefined>>>,
  body: (p: ProgramBuilder, x: Values<K>) => readonly Expr[],
  skip?: SkipAll,
  cached?: CachedBody,
): Tensor[] {
  const tensors: Tensor[] = [];
  const names: string[] = [];
  // What the program depends on besides `body`: which inputs exist, which are one tensor, their dtypes and
  // the fallbacks (the cache key's structural part, written as the inputs are placed).
  let structure = "";
  const indexOf = (t: Tensor, name: string): number => {
    // The same tensor under two names (SGD's first velocity is the gradient) is read once.
    let index = tensors.indexOf(t);
    if (index < 0) {
      index = tensors.push(t) - 1;
      names.push(name);
    }
    structure += `${name}:${index}:${t.dtype};`;
    return index;
  };
  const slots: [K, number][] = [];
  for (const name in inputs) {
    const t = inputs[name];
    if (t !== undefined) slots.push([name, indexOf(t, name)]);
  }
  const guard = skip?.guard;
  const guardIndex = guard === undefined ? -1 : indexOf(guard, "guard");
  const olds = skip?.old ?? [];
  const oldIndices =
    guard === undefined
      ? []
      : olds.map((old, i) => {
          if (typeof old !== "number") return indexOf(old, olds.length === 1 ? "old" : `old[${i}]`);
          structure += `${old};`;
          return -1;
        });
  const build = (): ElementwiseProgram | MultiOutputProgram => {
    const builder = new ProgramBuilder(
      op,
      tensors.map((t) => t.dtype),
    );
    const values: Partial<Record<K, Expr | undefined>> = {};
    for (const [name, i] of slots) values[name] = builder.input(i);
    let results = body(builder, values);
    if (guard !== undefined) {
      const keep = builder.input(guardIndex);
      results = results.map((result, i) => {
        const old = oldIndices[i]! >= 0 ? builder.input(oldIndices[i]!) : builder.constant(olds[i] as number, result.dtype);
        return builder.where(keep, result, old);
      });
    }
    return results.length === 1 ? builder.build(results[0]!) : builder.buildOutputs(results);
  };
  const program = cached === undefined ? build() : cached.cache.get(`${op}|${cached.key}|${structure}`, build);
  if ("result" in program) return [runProgram(op, program, tensors, { names })];
  return runOutputs(op, program, tensors, { names });
}

/**
 * The gradient an L2-decayed rule steps along, g + λW (as `gradient.add(value.mul(λ))` computes it), or g
 * itself when λ is 0. `x` must hold `g`, and `w` when λ > 0 (see `gradientInputs`).
 *
 * ```ts
 * const [w, g] = [tensor([1, 2]), tensor([0.5, 0.5])];
 * const step = updateProgram("sgd", gradientInputs(w, g, 0.01), (p, x) => p.binary("mul", decayedGradient(p, x, 0.01), 0.1));
 * ```
 */
export function decayedGradient(p: ProgramBuilder, x: Values<"g" | "w">, weightDecay: number): Expr {
  return weightDecay > 0 ? p.binary("add", x.g!, p.binary("mul", x.w!, weightDecay)) : x.g!;
}

/** The inputs `decayedGradient` reads: the gradient as `g`, and the parameter as `w` when λ > 0. */
export function gradientInputs(value: Tensor, gradient: Tensor, weightDecay: number): { g: Tensor; w?: Tensor } {
  return weightDecay > 0 ? { g: gradient, w: value } : { g: gradient };
}
