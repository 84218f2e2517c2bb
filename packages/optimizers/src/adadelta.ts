import type { Expr, ProgramBuilder, Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots, type Update } from "./optimizer.js";
import { decayedGradient, updateProgram, type Values } from "./program.js";
import { checkRange } from "./validate.js";

export interface AdadeltaOptions extends OptimizerOptions {
  /** Decay ρ of the running averages. Default 0.9. */
  readonly rho?: number;
  /** Added inside both square roots. Default 1e-6. */
  readonly epsilon?: number;
}

/**
 * Adadelta (Zeiler, 2012): Adagrad's shrinking steps replaced by running averages, with the step's units
 * matched to the parameter's: E[g²] ← ρE[g²] + (1−ρ)g², Δ = −√(E[Δ²] + ε) / √(E[g²] + ε) · g,
 * E[Δ²] ← ρE[Δ²] + (1−ρ)Δ², W ← W + ηΔ. The learning rate is a plain scale, 1 by default.
 */
export class Adadelta extends Optimizer {
  readonly name = "adadelta";
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super(options, 1);
    this.rho = options.rho ?? 0.9;
    this.epsilon = options.epsilon ?? 1e-6;
    this.validate();
    checkRange(this.name, "rho", this.rho, { min: 0, max: 1, maxExclusive: true });
    checkRange(this.name, "epsilon", this.epsilon, { min: 0, minExclusive: true });
  }

  protected override slotNames(): readonly string[] {
    return ["squareAvg", "deltaAvg"];
  }

  /** E[g²], then E[Δ²] and the new value (both from Δ, computed in each of their programs), one program each. */
  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, guard }: Hyper): Update {
    const { rho, epsilon, programs: cache } = this;
    type Name = "g" | "w" | "squareAvg" | "deltaAvg";
    const g = (p: ProgramBuilder, x: Values<"g" | "w">): Expr => decayedGradient(p, x, weightDecay);
    // Input records as literals (no spreads: see Optimizer.hyper), each program cached by the constants it reads.
    const w = weightDecay > 0 ? value : undefined;
    const squareAvg = updateProgram(this.name, { g: gradient, w, squareAvg: slots?.squareAvg }, (p, x: Values<Name>) => {
      const gx = g(p, x);
      return p.binary("add", p.binary("mul", x.squareAvg ?? p.binary("mul", gx, 0), rho), p.binary("mul", p.binary("mul", gx, gx), 1 - rho));
    }, { guard, old: slots?.squareAvg ?? 0 }, { cache, key: `squareAvg,${rho},${weightDecay}` });
    // Δ = √(E[Δ²] + ε) / √(E[g²] + ε) · g, from the previous E[Δ²] (zeros at first: g·0, as the op form had).
    const delta = (p: ProgramBuilder, x: Values<Name>): { delta: Expr; previous: Expr } => {
      const gx = g(p, x);
      const previous = x.deltaAvg ?? p.binary("mul", gx, 0);
      const root = (e: Expr): Expr => p.unary("sqrt", p.binary("add", e, epsilon));
      return { delta: p.binary("mul", p.binary("div", root(previous), root(x.squareAvg!)), gx), previous };
    };
    const deltaAvg = updateProgram(this.name, { g: gradient, w, squareAvg, deltaAvg: slots?.deltaAvg }, (p, x: Values<Name>) => {
      const { delta: d, previous } = delta(p, x);
      return p.binary("add", p.binary("mul", previous, rho), p.binary("mul", p.binary("mul", d, d), 1 - rho));
    }, { guard, old: slots?.deltaAvg ?? 0 }, { cache, key: `deltaAvg,${rho},${epsilon},${weightDecay}` });
    const next = updateProgram(this.name, { g: gradient, w: value, squareAvg, deltaAvg: slots?.deltaAvg }, (p, x: Values<Name>) =>
      p.binary("sub", x.w!, p.binary("mul", delta(p, x).delta, lr)),
    { guard, old: value }, { cache, key: `next,${epsilon},${lr},${weightDecay}` });
    return { value: next, slots: { squareAvg, deltaAvg }, guarded: true };
  }
}

export function adadelta(options?: AdadeltaOptions): Adadelta {
  return new Adadelta(options);
}
