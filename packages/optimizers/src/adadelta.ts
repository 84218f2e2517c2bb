import type { Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots } from "./optimizer.js";
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

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay }: Hyper): { value: Tensor; slots: Slots } {
    const g = weightDecay > 0 ? gradient.add(value.mul(weightDecay)) : gradient;
    const zero = g.mul(0);
    const squareAvg = (slots?.squareAvg ?? zero).mul(this.rho).add(g.square().mul(1 - this.rho));
    const previousDelta = slots?.deltaAvg ?? zero;
    const delta = previousDelta.add(this.epsilon).sqrt().div(squareAvg.add(this.epsilon).sqrt()).mul(g);
    const deltaAvg = previousDelta.mul(this.rho).add(delta.square().mul(1 - this.rho));
    return { value: value.sub(delta.mul(lr)), slots: { squareAvg, deltaAvg } };
  }
}

export function adadelta(options?: AdadeltaOptions): Adadelta {
  return new Adadelta(options);
}
