import type { Expr, ProgramBuilder, Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots, type Update } from "./optimizer.js";
import { decayedGradient, updateProgram, type Values } from "./program.js";
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

  /** The velocity (with momentum) and the new value, one program each. */
  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, guard }: Hyper): Update {
    const { momentum, nesterov, programs: cache } = this;
    const g = (p: ProgramBuilder, x: Values<"g" | "w">): Expr => decayedGradient(p, x, weightDecay);
    // Input records as literals (no spreads: see Optimizer.hyper), each program cached by the constants it reads.
    if (momentum === 0) {
      const stepped = updateProgram(this.name, { w: value, g: gradient }, (p, x) => p.binary("sub", x.w!, p.binary("mul", g(p, x), lr)), { guard, old: value }, { cache, key: `step,${lr},${weightDecay}` });
      return { value: stepped, slots: {}, guarded: true };
    }
    const velocity = updateProgram(this.name, { g: gradient, w: weightDecay > 0 ? value : undefined, velocity: slots?.velocity }, (p, x) =>
      x.velocity === undefined ? g(p, x) : p.binary("add", p.binary("mul", x.velocity, momentum), g(p, x)),
    { guard, old: slots?.velocity ?? 0 }, { cache, key: `velocity,${momentum},${weightDecay}` });
    const next = updateProgram(this.name, { w: value, g: gradient, velocity }, (p, x) => {
      const direction = nesterov ? p.binary("add", g(p, x), p.binary("mul", x.velocity!, momentum)) : x.velocity!;
      return p.binary("sub", x.w!, p.binary("mul", direction, lr));
    }, { guard, old: value }, { cache, key: `next,${nesterov},${momentum},${lr},${weightDecay}` });
    return { value: next, slots: { velocity }, guarded: true };
  }
}

/** Creates a stochastic gradient descent optimizer (with optional momentum or Nesterov momentum). */
export function sgd(options?: SgdOptions): Sgd {
  return new Sgd(options);
}
