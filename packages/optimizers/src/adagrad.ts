import type { Expr, ProgramBuilder, Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots, type Update } from "./optimizer.js";
import { decayedGradient, updateProgram, type Values } from "./program.js";
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

  /** The new sum G ← G + g² and the new value, one program each. */
  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, guard }: Hyper): Update {
    const { initialAccumulator, epsilon, programs: cache } = this;
    const g = (p: ProgramBuilder, x: Values<"g" | "w">): Expr => decayedGradient(p, x, weightDecay);
    // Input records as literals (no spreads: see Optimizer.hyper), each program cached by the constants it reads.
    const sum = updateProgram(this.name, { g: gradient, w: weightDecay > 0 ? value : undefined, sum: slots?.sum }, (p, x) => {
      const gx = g(p, x);
      const previous = x.sum ?? p.binary("add", p.binary("mul", gx, 0), initialAccumulator);
      return p.binary("add", previous, p.binary("mul", gx, gx));
    }, { guard, old: slots?.sum ?? initialAccumulator }, { cache, key: `sum,${initialAccumulator},${weightDecay}` });
    const next = updateProgram(this.name, { g: gradient, w: value, sum }, (p, x) =>
      p.binary("sub", x.w!, p.binary("mul", p.binary("div", g(p, x), p.binary("add", p.unary("sqrt", x.sum!), epsilon)), lr)),
    { guard, old: value }, { cache, key: `next,${epsilon},${lr},${weightDecay}` });
    return { value: next, slots: { sum }, guarded: true };
  }
}

/** Creates an Adagrad optimizer. */
export function adagrad(options?: AdagradOptions): Adagrad {
  return new Adagrad(options);
}
