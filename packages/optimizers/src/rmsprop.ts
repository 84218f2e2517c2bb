import type { Expr, ProgramBuilder, Tensor } from "@neurite/tensor-core";
import { Optimizer, type Hyper, type OptimizerOptions, type Slots, type Update } from "./optimizer.js";
import { decayedGradient, updateProgram, type Values } from "./program.js";
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

  /**
   * One program per output: the running averages, then the momentum buffer (if any) and the new value, which
   * recompute the scaled gradient g / (√variance + ε) from the new averages.
   */
  protected update(value: Tensor, gradient: Tensor, slots: Slots | undefined, { lr, weightDecay, guard }: Hyper): Update {
    const { rho, epsilon, momentum, centered, programs: cache } = this;
    type Name = "g" | "w" | "squareAvg" | "gradAvg" | "buffer";
    const g = (p: ProgramBuilder, x: Values<"g" | "w">): Expr => decayedGradient(p, x, weightDecay);
    // Input records as literals (no spreads: see Optimizer.hyper), each program cached by the constants it reads.
    const w = weightDecay > 0 ? value : undefined;
    // A slot's running average: (old, or g·0 at first)·ρ + f(g)·(1 − ρ).
    const average = (name: "squareAvg" | "gradAvg", of: (p: ProgramBuilder, g: Expr) => Expr): Tensor =>
      updateProgram(this.name, { g: gradient, w, [name]: slots?.[name] }, (p, x: Values<Name>) => {
        const gx = g(p, x);
        return p.binary("add", p.binary("mul", x[name] ?? p.binary("mul", gx, 0), rho), p.binary("mul", of(p, gx), 1 - rho));
      }, { guard, old: slots?.[name] ?? 0 }, { cache, key: `${name},${rho},${weightDecay}` });
    const squareAvg = average("squareAvg", (p, gx) => p.binary("mul", gx, gx));
    const next: Slots = { squareAvg };
    if (centered) next.gradAvg = average("gradAvg", (_p, gx) => gx);
    const scaled = (p: ProgramBuilder, x: Values<Name>): Expr => {
      const variance = x.gradAvg === undefined ? x.squareAvg! : p.binary("sub", x.squareAvg!, p.binary("mul", x.gradAvg, x.gradAvg));
      return p.binary("div", g(p, x), p.binary("add", p.unary("sqrt", variance), epsilon));
    };
    const gradAvg = next.gradAvg;
    if (momentum === 0) {
      const updated = updateProgram(this.name, { g: gradient, w: value, squareAvg, gradAvg }, (p, x: Values<Name>) => p.binary("sub", x.w!, p.binary("mul", scaled(p, x), lr)), { guard, old: value }, { cache, key: `step,${epsilon},${lr},${weightDecay}` });
      return { value: updated, slots: next, guarded: true };
    }
    const buffer = updateProgram(this.name, { g: gradient, w, squareAvg, gradAvg, buffer: slots?.buffer }, (p, x: Values<Name>) => {
      const s = scaled(p, x);
      return p.binary("add", p.binary("mul", x.buffer ?? p.binary("mul", g(p, x), 0), momentum), s);
    }, { guard, old: slots?.buffer ?? 0 }, { cache, key: `buffer,${epsilon},${momentum},${weightDecay}` });
    next.buffer = buffer;
    const updated = updateProgram(this.name, { w: value, buffer }, (p, x: Values<Name>) => p.binary("sub", x.w!, p.binary("mul", x.buffer!, lr)), { guard, old: value }, { cache, key: `bufferStep,${lr}` });
    return { value: updated, slots: next, guarded: true };
  }
}

/** Creates an RMSProp optimizer. */
export function rmsprop(options?: RmspropOptions): Rmsprop {
  return new Rmsprop(options);
}
