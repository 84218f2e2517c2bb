import {
  ArgumentError,
  DTypeError,
  ShapeError,
  formatShape,
  keep,
  tidy,
  type Tensor,
  type Variable,
} from "@neurite/tensor-core";
import { clipByGlobalNorm, clipByValue } from "./clipping.js";
import { checkRange } from "./validate.js";

/** Hyper-parameters for the parameters whose names `match`; unset fields fall back to the optimizer's. */
export interface ParamGroup {
  readonly match: (name: string) => boolean;
  readonly lr?: number;
  readonly weightDecay?: number;
}

/** Options every optimizer takes. */
export interface OptimizerOptions {
  /** Learning rate η. Change it between steps with `optimizer.learningRate = …` (schedules do). */
  readonly lr?: number;
  /** L2 weight decay added to the gradient (decoupled from it in AdamW). Default 0. */
  readonly weightDecay?: number;
  /** Scale all gradients together so their global L2 norm is at most this. */
  readonly clipNorm?: number;
  /** Clamp every gradient element to [−clipValue, clipValue]. */
  readonly clipValue?: number;
  /** Per-group learning rates and weight decays, the first matching group winning. */
  readonly groups?: readonly ParamGroup[];
}

/** The hyper-parameters one update uses. */
export interface Hyper {
  readonly lr: number;
  readonly weightDecay: number;
  /** 1 on the first step. */
  readonly t: number;
}

/** An optimizer's per-parameter state tensors, by slot name ("m", "v", "momentum", …). */
export type Slots = Record<string, Tensor>;

/** Everything needed to resume an optimizer: step count, learning rate and per-parameter slots. */
export interface OptimizerState {
  readonly name: string;
  readonly iterations: number;
  readonly learningRate: number;
  readonly slots: Readonly<Record<string, Readonly<Slots>>>;
}

type Named<T> = Readonly<Record<string, T>> | readonly T[];

/**
 * The shared part of every gradient-descent optimizer: pairing parameters with gradients, clipping, weight
 * decay, parameter groups, the step count, and keeping per-parameter state alive across steps. A concrete
 * optimizer writes only `update`: given one parameter, its gradient and its slots, return the new value and
 * the new slots — a few lines of tensor ops (Adam is five).
 */
export abstract class Optimizer {
  /** Name used in errors and saved state: "sgd", "adam", … */
  abstract readonly name: string;
  /** Steps taken so far. */
  iterations = 0;
  #lr: number;
  protected readonly options: OptimizerOptions;
  readonly #slots = new Map<string, Slots>();

  protected constructor(options: OptimizerOptions, defaultLr: number) {
    this.options = options;
    this.#lr = options.lr ?? defaultLr;
  }

  /** Checks the shared hyper-parameters; subclasses call it after setting `name`. */
  protected validate(): void {
    const op = this.name;
    checkRange(op, "lr", this.#lr, { min: 0, minExclusive: true });
    checkRange(op, "weightDecay", this.options.weightDecay ?? 0, { min: 0 });
    if (this.options.clipNorm !== undefined) checkRange(op, "clipNorm", this.options.clipNorm, { min: 0, minExclusive: true });
    if (this.options.clipValue !== undefined) checkRange(op, "clipValue", this.options.clipValue, { min: 0, minExclusive: true });
    for (const [i, group] of (this.options.groups ?? []).entries()) {
      if (group.lr !== undefined) checkRange(op, `groups[${i}].lr`, group.lr, { min: 0, minExclusive: true });
      if (group.weightDecay !== undefined) checkRange(op, `groups[${i}].weightDecay`, group.weightDecay, { min: 0 });
    }
  }

  get learningRate(): number {
    return this.#lr;
  }

  set learningRate(lr: number) {
    checkRange(this.name, "lr", lr, { min: 0, minExclusive: true });
    this.#lr = lr;
  }

  /** New value and slots for one parameter. Runs inside a scope: return fresh tensors, dispose nothing. */
  protected abstract update(value: Tensor, gradient: Tensor, slots: Slots | undefined, hyper: Hyper): { value: Tensor; slots: Slots };

  /**
   * One update of every trainable variable that has a gradient. Parameters and gradients are matched by key
   * (records, e.g. a model's `namedParameters()` and the gradients `valueAndGrad` returns for it) or by
   * position (arrays, keyed by each variable's name).
   */
  step(parameters: Named<Variable>, gradients: Named<Tensor>): void {
    const pairs = this.pair(parameters, gradients);
    tidy(() => {
      const grads = this.clip(pairs.map((p) => p.gradient));
      this.iterations++;
      pairs.forEach(({ name, variable }, i) => {
        const { value, slots } = this.update(variable.value, grads[i]!, this.#slots.get(name), this.hyper(name));
        variable.assign(value);
        this.replaceSlots(name, slots);
      });
    });
  }

  private pair(parameters: Named<Variable>, gradients: Named<Tensor>): { name: string; variable: Variable; gradient: Tensor }[] {
    const op = `${this.name}.step`;
    const params: [string, Variable][] = Array.isArray(parameters) ? parameters.map((v: Variable) => [v.name, v]) : Object.entries(parameters);
    const grads: [string, Tensor][] = Array.isArray(gradients)
      ? gradients.map((g: Tensor, i: number) => [params[i]?.[0] ?? String(i), g])
      : Object.entries(gradients);
    const byName = new Map(params);
    if (Array.isArray(gradients) && gradients.length !== params.length) {
      throw new ArgumentError({ op, argument: "gradients" }, `got ${gradients.length} gradients for ${params.length} parameters`);
    }
    const pairs: { name: string; variable: Variable; gradient: Tensor }[] = [];
    for (const [name, gradient] of grads) {
      const variable = byName.get(name);
      if (variable === undefined) throw new ArgumentError({ op, argument: "gradients" }, `gradient '${name}' has no parameter of that name`);
      if (!variable.trainable) continue;
      if (gradient.dtype !== variable.dtype) {
        throw new DTypeError({ op, argument: name }, `gradient dtype ${gradient.dtype} differs from the parameter's ${variable.dtype}`);
      }
      if (gradient.rank !== variable.shape.length || gradient.shape.some((d, i) => d !== variable.shape[i])) {
        throw new ShapeError(
          { op, argument: name },
          `gradient of shape ${formatShape(gradient.shape)} does not match the parameter's shape ${formatShape(variable.shape)}`,
        );
      }
      pairs.push({ name, variable, gradient });
    }
    return pairs;
  }

  private clip(gradients: Tensor[]): Tensor[] {
    let clipped = gradients;
    if (this.options.clipValue !== undefined) clipped = clipByValue(clipped, this.options.clipValue);
    if (this.options.clipNorm !== undefined) clipped = clipByGlobalNorm(clipped, this.options.clipNorm);
    return clipped;
  }

  private hyper(name: string): Hyper {
    const group = this.options.groups?.find((g) => g.match(name));
    return {
      lr: group?.lr ?? this.#lr,
      weightDecay: group?.weightDecay ?? this.options.weightDecay ?? 0,
      t: this.iterations,
    };
  }

  /** Stores new handles on the slot tensors (an update may return a caller's tensor, e.g. the first gradient). */
  private replaceSlots(name: string, slots: Slots): void {
    const previous = this.#slots.get(name);
    this.#slots.set(name, Object.fromEntries(Object.entries(slots).map(([k, t]) => [k, keep(t.clone())])));
    for (const t of Object.values(previous ?? {})) t.dispose();
  }

  /** A snapshot of the state (the slot tensors are new handles the caller owns and may dispose). */
  state(): OptimizerState {
    const slots: Record<string, Slots> = {};
    for (const [name, s] of this.#slots) slots[name] = Object.fromEntries(Object.entries(s).map(([k, t]) => [k, keep(t.clone())]));
    return { name: this.name, iterations: this.iterations, learningRate: this.#lr, slots };
  }

  /** Restores a snapshot taken by `state()` of an optimizer of the same kind. Nothing changes if it is refused. */
  loadState(state: OptimizerState): void {
    const op = `${this.name}.loadState`;
    if (state.name !== this.name) throw new ArgumentError({ op, argument: "state" }, `state of a '${state.name}' optimizer cannot load into '${this.name}'`);
    checkRange(op, "iterations", state.iterations, { min: 0 });
    checkRange(op, "learningRate", state.learningRate, { min: 0, minExclusive: true });
    this.iterations = state.iterations;
    this.#lr = state.learningRate;
    this.reset();
    for (const [name, s] of Object.entries(state.slots)) {
      this.#slots.set(name, Object.fromEntries(Object.entries(s).map(([k, t]) => [k, keep(t.clone())])));
    }
  }

  /** Forgets all per-parameter state (moments, accumulators), freeing it. */
  reset(): void {
    for (const s of this.#slots.values()) for (const t of Object.values(s)) t.dispose();
    this.#slots.clear();
  }

  dispose(): void {
    this.reset();
  }
}
