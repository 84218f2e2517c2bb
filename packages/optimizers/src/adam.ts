import { pow, type Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots } from "./optimizer.js";
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

  /** The Adam step direction m̂ / (√v̂ + ε) and the new moments. */
  protected adamStep(gradient: Tensor, slots: Slots | undefined, t: number | Tensor): { direction: Tensor; slots: Slots } {
    const m = (slots?.m === undefined ? gradient.mul(0) : slots.m.mul(this.beta1)).add(gradient.mul(1 - this.beta1));
    const v = (slots?.v === undefined ? gradient.mul(0) : slots.v.mul(this.beta2)).add(gradient.square().mul(1 - this.beta2));
    const [c1, c2] = this.#corrections(t, m.dtype);
    const mHat = m.div(c1);
    const vHat = v.div(c2);
    return { direction: mHat.div(vHat.sqrt().add(this.epsilon)), slots: { m, v } };
  }

  protected override slotNames(): readonly string[] {
    return ["m", "v"];
  }

  /** The last step's device-side corrections, shared by all its parameters (they live in that step's scope). */
  #cached: { readonly t: Tensor; readonly dtype: string; readonly corrections: readonly [Tensor, Tensor] } | null = null;

  /**
   * The bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ: numbers, or — while the step count is on the device (after
   * guarded steps) — scalars computed once per step and dtype, not once per parameter.
   */
  #corrections(t: number | Tensor, dtype: Tensor["dtype"]): readonly [number | Tensor, number | Tensor] {
    if (typeof t === "number") return [1 - this.beta1 ** t, 1 - this.beta2 ** t];
    if (this.#cached?.t === t && this.#cached.dtype === dtype) return this.#cached.corrections;
    const step = t.cast(dtype);
    const corrections = [pow(this.beta1, step).neg().add(1), pow(this.beta2, step).neg().add(1)] as const;
    this.#cached = { t, dtype, corrections };
    return corrections;
  }

  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, t }: Hyper): { value: Tensor; slots: Slots } {
    const g = weightDecay > 0 ? gradient.add(value.mul(weightDecay)) : gradient;
    const step = this.adamStep(g, slots, t);
    return { value: value.sub(step.direction.mul(lr)), slots: step.slots };
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

  protected override update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, t }: Hyper): { value: Tensor; slots: Slots } {
    const step = this.adamStep(gradient, slots, t);
    const decayed = weightDecay > 0 ? value.mul(1 - lr * weightDecay) : value;
    return { value: decayed.sub(step.direction.mul(lr)), slots: step.slots };
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
