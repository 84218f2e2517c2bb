import type { Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots } from "./optimizer.js";
import { checkRange } from "./validate.js";

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the squared-gradient sum. Default 0. */
  readonly initialAccumulator?: number;
  /** Added to √G so the first steps stay finite. Default 1e-10. */
  readonly epsilon?: number;
}

/**
 * Adagrad (Duchi et al., 2011): each parameter's step shrinks with the sum of its squared gradients,
 * G ← G + g², W ← W − η g / (√G + ε); rarely-updated parameters keep large steps.
 */
export class Adagrad extends Optimizer {
  readonly name = "adagrad";
  readonly initialAccumulator: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, 0.01);
    this.initialAccumulator = options.initialAccumulator ?? 0;
    this.epsilon = options.epsilon ?? 1e-10;
    this.validate();
    checkRange(this.name, "initialAccumulator", this.initialAccumulator, { min: 0 });
    checkRange(this.name, "epsilon", this.epsilon, { min: 0, minExclusive: true });
  }

  protected override slotNames(): readonly string[] {
    return ["sum"];
  }

  protected override initialSlot(slot: string, value: Tensor): Tensor {
    return slot === "sum" ? value.mul(0).add(this.initialAccumulator) : super.initialSlot(slot, value);
  }

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay }: Hyper): { value: Tensor; slots: Slots } {
    const g = weightDecay > 0 ? gradient.add(value.mul(weightDecay)) : gradient;
    const previous = slots?.sum ?? g.mul(0).add(this.initialAccumulator);
    const sum = previous.add(g.square());
    return { value: value.sub(g.div(sum.sqrt().add(this.epsilon)).mul(lr)), slots: { sum } };
  }
}

/** Creates an Adagrad optimizer. */
export function adagrad(options?: AdagradOptions): Adagrad {
  return new Adagrad(options);
}
