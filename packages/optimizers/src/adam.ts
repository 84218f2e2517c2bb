import type { Expr, ProgramBuilder, Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots, type Update } from "./optimizer.js";
import { decayedGradient, updateOutputs } from "./program.js";
import { checkRange } from "./validate.js";

export interface AdamOptions extends OptimizerOptions {
  /** Decay of the first moment (mean of gradients). Default 0.9. */
  readonly beta1?: number;
  /** Decay of the second moment (mean of squared gradients). Default 0.999. */
  readonly beta2?: number;
  /** Added to √v̂ so the step stays finite. Default 1e-8. */
  readonly epsilon?: number;
}

/**
 * Adam (Kingma & Ba, 2015): per-parameter step sizes from running means of the gradient (m) and of its square
 * (v), bias-corrected for their zero start: W ← W − η m̂ / (√v̂ + ε). Weight decay, if any, is added to the
 * gradient (L2); for decoupled decay use `adamW`.
 */
export class Adam extends Optimizer {
  readonly name: string = "adam";
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamOptions = {}) {
    super(options, 0.001);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-8;
    this.validateAdam();
  }

  protected validateAdam(): void {
    this.validate();
    checkRange(this.name, "beta1", this.beta1, { min: 0, max: 1, maxExclusive: true });
    checkRange(this.name, "beta2", this.beta2, { min: 0, max: 1, maxExclusive: true });
    checkRange(this.name, "epsilon", this.epsilon, { min: 0, minExclusive: true });
  }

  protected override slotNames(): readonly string[] {
    return ["m", "v"];
  }

  /**
   * The new moments m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g² (with weight decay the L2 term is added to
   * g) and the parameter's new value from `value(p, w, direction)`, whose direction m̂ / (√v̂ + ε) reads the
   * new moments and the bias corrections 1 − βᵗ — constants, or computed from the device's step count after
   * guarded steps. All three are results of one program: one kernel that reads the gradient, the moments and
   * the parameter once, on a backend with `elementwiseMulti`. After guarded steps (the step count on the
   * device) the program is built once per set of hyper-parameters and cached by them, so `value` must read
   * nothing but `lr` and `weightDecay`.
   */
  protected adamUpdate(
    w: Tensor,
    gradient: Tensor,
    slots: Slots | undefined,
    { t, guard, lr, weightDecay }: Hyper,
    decay: number,
    value: (p: ProgramBuilder, w: Expr, direction: Expr) => Expr,
  ): Update {
    const { beta1, beta2, epsilon } = this;
    // One object literal (a spread of optional parts costs V8 a new object shape per call); `w` is always read
    // (the new value and the skipped step's fallback), the step count only when it is on the device.
    const inputs = { g: gradient, m: slots?.m, v: slots?.v, w, t: typeof t === "number" ? undefined : t };
    // A step number on the host changes the program's constants every step: only the device's step count is cached.
    const cached = typeof t === "number" ? undefined : { cache: this.programs, key: `${beta1},${beta2},${epsilon},${decay},${lr},${weightDecay}` };
    const [m, v, step] = updateOutputs(this.name, inputs, (p, x) => {
      const gx = decayedGradient(p, x, decay);
      const m = p.binary("add", x.m === undefined ? p.binary("mul", gx, 0) : p.binary("mul", x.m, beta1), p.binary("mul", gx, 1 - beta1));
      const v = p.binary("add", x.v === undefined ? p.binary("mul", gx, 0) : p.binary("mul", x.v, beta2), p.binary("mul", p.binary("mul", gx, gx), 1 - beta2));
      let c1: Expr | number = typeof t === "number" ? 1 - beta1 ** t : 0;
      let c2: Expr | number = typeof t === "number" ? 1 - beta2 ** t : 0;
      if (x.t !== undefined) {
        const tx = p.cast(x.t, w.dtype);
        c1 = p.binary("add", p.unary("neg", p.binary("pow", beta1, tx)), 1);
        c2 = p.binary("add", p.unary("neg", p.binary("pow", beta2, tx)), 1);
      }
      const mHat = p.binary("div", m, c1);
      const vHat = p.binary("div", v, c2);
      // The unguarded moments: where the guard is false the parameter keeps its old value anyway.
      return [m, v, value(p, x.w!, p.binary("div", mHat, p.binary("add", p.unary("sqrt", vHat), epsilon)))];
    }, { guard, old: [slots?.m ?? 0, slots?.v ?? 0, w] }, cached);
    return { value: step!, slots: { m: m!, v: v! }, guarded: true };
  }

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, hyper: Hyper): Update {
    const { lr } = hyper;
    return this.adamUpdate(value, gradient, slots, hyper, hyper.weightDecay, (p, w, direction) => p.binary("sub", w, p.binary("mul", direction, lr)));
  }
}

/**
 * AdamW (Loshchilov & Hutter, 2019): Adam with decoupled weight decay, W ← W − ηλW − η m̂ / (√v̂ + ε), so the
 * decay is not rescaled by the adaptive step sizes. Default weight decay 0.01.
 */
export class AdamW extends Adam {
  override readonly name: string = "adamW";

  constructor(options: AdamOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay ?? 0.01 });
    this.validateAdam();
  }

  protected override update(value: Tensor, gradient: Tensor, slots: Slots | undefined, hyper: Hyper): Update {
    const { lr, weightDecay } = hyper;
    return this.adamUpdate(value, gradient, slots, hyper, 0, (p, w, direction) =>
      p.binary("sub", weightDecay > 0 ? p.binary("mul", w, 1 - lr * weightDecay) : w, p.binary("mul", direction, lr)),
    );
  }
}

/** Creates an Adam optimizer. */
export function adam(options?: AdamOptions): Adam {
  return new Adam(options);
}

/** Creates an AdamW optimizer (Adam with decoupled weight decay). */
export function adamW(options?: AdamOptions): AdamW {
  return new AdamW(options);
}
