import type { Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots } from "./optimizer.js";
import { checkRange } from "./validate.js";

export interface RmspropOptions extends OptimizerOptions {
  /** Decay ρ of the running average of squared gradients. Default 0.99. */
  readonly rho?: number;
  /** Added to the denominator. Default 1e-8. */
  readonly epsilon?: number;
  /** Momentum on the scaled step. Default 0. */
  readonly momentum?: number;
  /** Divide by the running variance (subtracting the squared running mean) instead of the raw second moment. */
  readonly centered?: boolean;
}

/**
 * RMSProp (Hinton, 2012): divide the gradient by a running root-mean-square of recent gradients,
 * v ← ρv + (1−ρ)g², W ← W − η g / (√v + ε); optionally centered (√(v − ḡ²)) and with momentum.
 */
export class Rmsprop extends Optimizer {
  readonly name = "rmsprop";
  readonly rho: number;
  readonly epsilon: number;
  readonly momentum: number;
  readonly centered: boolean;

  constructor(options: RmspropOptions = {}) {
    super(options, 0.01);
    this.rho = options.rho ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-8;
    this.momentum = options.momentum ?? 0;
    this.centered = options.centered ?? false;
    this.validate();
    checkRange(this.name, "rho", this.rho, { min: 0, max: 1, maxExclusive: true });
    checkRange(this.name, "epsilon", this.epsilon, { min: 0, minExclusive: true });
    checkRange(this.name, "momentum", this.momentum, { min: 0, max: 1, maxExclusive: true });
  }

  protected override slotNames(): readonly string[] {
    return ["squareAvg", ...(this.centered ? ["gradAvg"] : []), ...(this.momentum === 0 ? [] : ["buffer"])];
  }

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay }: Hyper): { value: Tensor; slots: Slots } {
    const g = weightDecay > 0 ? gradient.add(value.mul(weightDecay)) : gradient;
    const zero = g.mul(0);
    const squareAvg = (slots?.squareAvg ?? zero).mul(this.rho).add(g.square().mul(1 - this.rho));
    const next: Slots = { squareAvg };
    let variance = squareAvg;
    if (this.centered) {
      const gradAvg = (slots?.gradAvg ?? zero).mul(this.rho).add(g.mul(1 - this.rho));
      next.gradAvg = gradAvg;
      variance = squareAvg.sub(gradAvg.square());
    }
    const scaled = g.div(variance.sqrt().add(this.epsilon));
    if (this.momentum === 0) return { value: value.sub(scaled.mul(lr)), slots: next };
    const buffer = (slots?.buffer ?? zero).mul(this.momentum).add(scaled);
    next.buffer = buffer;
    return { value: value.sub(buffer.mul(lr)), slots: next };
  }
}

/** Creates an RMSProp optimizer. */
export function rmsprop(options?: RmspropOptions): Rmsprop {
  return new Rmsprop(options);
}
