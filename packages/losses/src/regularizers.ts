import { ArgumentError, Tensor, Variable, tidy, zeros } from "@neurite/tensor-core";

/**
 * A weight penalty added to the loss, ε + λ‖w‖ₚ^q in the course notes' words. It takes the model's named
 * parameters and returns a scalar; by default it applies to weights and not to biases (any parameter whose
 * name ends in "bias" is left out), which is the usual practice: penalising biases does not reduce overfitting.
 * Each entry is a Variable (what `model.namedParameters()` holds; its current value is used, so the penalty
 * is differentiated inside `valueAndGrad`) or a tensor.
 *
 * ```ts
 * const model = sequential([dense(2, 1)]);
 * const penalty = l2(1e-4)(model.namedParameters());
 * ```
 */
export interface Regularizer {
  (parameters: Readonly<Record<string, Tensor | Variable>>): Tensor;
  readonly strength: number;
}

/** Options of the `l1`, `l2` and `lp` penalties. */
export interface RegularizerOptions {
  /** Which parameters the penalty applies to, by name. Default: every name not ending in "bias". */
  readonly appliesTo?: (name: string) => boolean;
}

const notBias = (name: string): boolean => !/bias$/i.test(name);

function checkStrength(op: string, strength: number): void {
  if (!Number.isFinite(strength) || strength < 0) throw new ArgumentError({ op, argument: "strength" }, `expected a finite λ ≥ 0, got ${strength}`);
}

function penalty(op: string, strength: number, options: RegularizerOptions, term: (w: Tensor) => Tensor): Regularizer {
  checkStrength(op, strength);
  const appliesTo = options.appliesTo ?? notBias;
  const regularizer = (parameters: Readonly<Record<string, Tensor | Variable>>): Tensor => {
    const weights = valuesOf(op, parameters);
    return tidy(() => {
      const chosen = weights.filter(([name]) => appliesTo(name));
      if (chosen.length === 0) {
        const any = weights[0]?.[1];
        return zeros([], any === undefined ? {} : { dtype: any.dtype, backend: any.backend });
      }
      return chosen.map(([, w]) => term(w)).reduce((total, t) => total.add(t)).mul(strength);
    });
  };
  return Object.assign(regularizer, { strength });
}

/** The tensors behind named parameters (a Variable's current value), refusing anything else by name. */
function valuesOf(op: string, parameters: Readonly<Record<string, Tensor | Variable>>): [string, Tensor][] {
  const given: unknown = parameters;
  if (typeof given !== "object" || given === null || given instanceof Tensor || given instanceof Variable) {
    throw new ArgumentError({ op, argument: "parameters" }, "expected named parameters, e.g. model.namedParameters() — an object of Variables or tensors by name");
  }
  return Object.entries(parameters).map(([name, w]: [string, unknown]) => {
    if (w instanceof Variable) return [name, w.value];
    if (w instanceof Tensor) return [name, w];
    throw new ArgumentError({ op, argument: name }, `expected a Variable or a tensor for '${name}', got ${w === null ? "null" : typeof w}`);
  });
}

/** L1 penalty λ Σ|w|: pushes weights to exactly 0 (sparse). Its subgradient at 0 is 0. */
export function l1(strength: number, options: RegularizerOptions = {}): Regularizer {
  return penalty("l1", strength, options, (w) => w.abs().sum());
}

/** L2 penalty λ Σw² (= λ‖w‖₂²): keeps weights small ("weight decay"). */
export function l2(strength: number, options: RegularizerOptions = {}): Regularizer {
  return penalty("l2", strength, options, (w) => w.square().sum());
}

/**
 * The general penalty λ‖w‖ₚ^q = λ (Σ|w|ᵖ)^(q/p), per parameter tensor. `lp(1, 1)` is L1 and `lp(2, 2)` is L2.
 */
export function lp(p: number, q: number, strength: number, options: RegularizerOptions = {}): Regularizer {
  if (!(p >= 1) || !Number.isFinite(p)) throw new ArgumentError({ op: "lp", argument: "p" }, `expected a finite p ≥ 1, got ${p}`);
  if (!(q > 0) || !Number.isFinite(q)) throw new ArgumentError({ op: "lp", argument: "q" }, `expected a finite q > 0, got ${q}`);
  if (p === 1 && q === 1) return l1(strength, options);
  if (p === 2 && q === 2) return l2(strength, options);
  return penalty("lp", strength, options, (w) => {
    const total = w.abs().pow(p).sum();
    return q === p ? total : total.pow(q / p);
  });
}
