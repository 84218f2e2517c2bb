import type { Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots } from "./optimizer.js";
import { checkRange } from "./validate.js";

export interface SgdOptions extends OptimizerOptions {
  /** Momentum μ: the velocity v ← μv + g carries past gradients forward. Default 0 (plain gradient descent). */
  readonly momentum?: number;
  /** Nesterov momentum: step along g + μv, a look-ahead that often converges faster. Needs momentum > 0. */
  readonly nesterov?: boolean;
}

/**
 * Stochastic gradient descent, the course notes' W ← W − η ∂J/∂W, optionally with momentum or Nesterov
 * momentum and L2 weight decay (added to the gradient: g ← g + λW). Whether it is batch, stochastic or
 * mini-batch gradient descent depends only on how many samples produced the gradient.
 *
 * ```ts
 * const w = variable(tensor([1, -2]), { name: "w" });
 * const optimizer = sgd({ lr: 0.1, momentum: 0.9 });
 * optimizer.step({ w }, { w: tensor([0.5, 0.5]) }); // w ← w − 0.1·g, then with momentum
 * ```
 */
export class Sgd extends Optimizer {
  readonly name = "sgd";
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SgdOptions = {}) {
    super(options, 0.01);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.validate();
    checkRange(this.name, "momentum", this.momentum, { min: 0, max: 1, maxExclusive: true });
    if (this.nesterov && this.momentum === 0) {
      checkRange(this.name, "momentum (with nesterov)", this.momentum, { min: 0, minExclusive: true });
    }
  }

  protected override slotNames(): readonly string[] {
    return this.momentum === 0 ? [] : ["velocity"];
  }

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay }: Hyper): { value: Tensor; slots: Slots } {
    const g = weightDecay > 0 ? gradient.add(value.mul(weightDecay)) : gradient;
    if (this.momentum === 0) return { value: value.sub(g.mul(lr)), slots: {} };
    const velocity = slots?.velocity === undefined ? g : slots.velocity.mul(this.momentum).add(g);
    const direction = this.nesterov ? g.add(velocity.mul(this.momentum)) : velocity;
    return { value: value.sub(direction.mul(lr)), slots: { velocity } };
  }
}

/** Creates a stochastic gradient descent optimizer (with optional momentum or Nesterov momentum). */
export function sgd(options?: SgdOptions): Sgd {
  return new Sgd(options);
}
