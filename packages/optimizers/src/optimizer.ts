import {
  ArgumentError,
  BackendError,
  DisposedError,
  DTypeError,
  ShapeError,
  Tensor,
  Variable,
  formatShape,
  keep,
  shapesEqual,
  tidy,
  where,
  zerosLike,
} from "@neurite/tensor-core";
import { clipByGlobalNorm, clipByValue } from "./clipping.js";
import { ProgramCache, updateProgram } from "./program.js";
import { checkRange, describeValue } from "./validate.js";

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
  /**
   * The step number, 1 on the first step. An int32 scalar tensor while guarded steps (see `StepOptions`)
   * are still counted on the device, so an update that uses it (Adam's bias correction) stays exact without
   * a read.
   */
  readonly t: number | Tensor;
  /**
   * The step's guard (see `StepOptions`), if any. A rule that applies it itself — each output ending in
   * `where(guard, new, old)` inside its own program — says so by returning `guarded: true`; otherwise the
   * base class applies it with one `where` per output.
   */
  readonly guard?: Tensor;
}

/** What `update` returns: the new value and slots, and whether they already honour the step's guard. */
export interface Update {
  readonly value: Tensor;
  readonly slots: Slots;
  readonly guarded?: boolean;
}

/** Options of one `step`. */
export interface StepOptions {
  /**
   * A bool scalar computed on the device (e.g. "every gradient is finite"): where it is false the step
   * changes nothing — values, slots and the step count stay as they were — decided without reading it back.
   */
  readonly guard?: Tensor;
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
 * the new slots — one elementwise program per output with `updateProgram` (the built-in rules), or a few
 * lines of tensor ops (the base class then applies a step's guard itself).
 */
export abstract class Optimizer {
  /** Name used in errors and saved state: "sgd", "adam", … */
  abstract readonly name: string;
  /** Steps known on the host; after guarded steps the count is `#next` on the device instead. */
  #iterations = 0;
  /** After guarded steps, the number of the next step (steps taken + 1) as an int32 scalar; else null. */
  #next: Tensor | null = null;
  #lr: number;
  protected readonly options: OptimizerOptions;
  readonly #slots = new Map<string, Slots>();
  /** The update rule's built programs, for `updateProgram`/`updateOutputs` calls keyed by what they read. */
  protected readonly programs = new ProgramCache();

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

  /**
   * Steps taken so far. After guarded steps the count lives on the device; reading it here reads it back
   * (synchronously, so on WebGPU `await settle()` first).
   */
  get iterations(): number {
    if (this.#next !== null) {
      if (!this.#next.backend.capabilities.syncRead) {
        throw new BackendError({ op: `${this.name}.iterations` }, `guarded steps are counted on backend '${this.#next.backend.name}', which reads asynchronously; await optimizer.settle() first`);
      }
      this.#fold(this.#next.dataSync()[0]!);
    }
    return this.#iterations;
  }

  set iterations(n: number) {
    const op = `${this.name}.iterations`;
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError({ op, argument: "iterations" }, `expected an integer ≥ 0, got ${describeValue(n)}`);
    this.#dropPending();
    this.#iterations = n;
  }

  /** Reads back the step count of guarded steps (one read; nothing to do after unguarded steps). */
  async settle(): Promise<number> {
    if (this.#next !== null) {
      const next = this.#next;
      const value = (await next.data())[0]!;
      if (this.#next === next) this.#fold(value);
    }
    return this.#iterations;
  }

  #fold(next: number): void {
    this.#iterations = next - 1;
    this.#dropPending();
  }

  #dropPending(): void {
    this.#next?.dispose();
    this.#next = null;
  }

  get learningRate(): number {
    return this.#lr;
  }

  set learningRate(lr: number) {
    checkRange(this.name, "lr", lr, { min: 0, minExclusive: true });
    this.#lr = lr;
  }

  /** New value and slots for one parameter. Runs inside a scope: return fresh tensors, dispose nothing. */
  protected abstract update(value: Tensor, gradient: Tensor, slots: Slots | undefined, hyper: Hyper): Update;

  /**
   * One update of every trainable variable that has a gradient. Parameters and gradients are matched by key
   * (records, e.g. a model's `namedParameters()` and the gradients `valueAndGrad` returns for it) or by
   * position (arrays, keyed by each variable's name). All or nothing: everything is checked and every new
   * value computed before the first variable, slot or the step count changes, so a refused step changes
   * nothing.
   *
   * ```ts
   * const model = sequential([dense(2, 1)]);
   * const optimizer = sgd({ learningRate: 0.1 });
   * const [x, y] = [tensor([[1, 2], [3, 4]]), tensor([[1], [0]])];
   * const [loss, grads] = valueAndGrad(() => mse(model.forward(x), y))(model.namedParameters());
   * optimizer.step(model.namedParameters(), grads);
   * ```
   */
  step(parameters: Named<Variable>, gradients: Named<Tensor>, options: StepOptions = {}): void {
    const pairs = this.pair(parameters, gradients);
    const guard = options.guard;
    if (guard !== undefined) checkGuard(`${this.name}.step`, guard);
    // The step number is a constant, or (after guarded steps) the device counter itself: no kernel for it.
    const t: number | Tensor = this.#next ?? this.#iterations + 1;
    // Every new value and slot is computed (and kept by the scope's return) before anything is written.
    const results = tidy((scope) => {
      const grads = this.clip(pairs.map((p) => p.gradient));
      // An update may return a tensor it was given (the parameter, the first gradient) or one tensor twice:
      // those get a new handle, so every result is a tensor of its own; the ones it made are handed on as they are.
      const handedOn = new Set<Tensor>();
      const own = (t: Tensor): Tensor => {
        if (!scope.owns(t) || handedOn.has(t)) return t.clone();
        handedOn.add(t);
        return t;
      };
      return pairs.map(({ name, variable }, i) => {
        const previous = this.#slots.get(name);
        const update = this.update(variable.value, grads[i]!, previous, this.hyper(name, t, guard));
        let { value, slots } = update;
        if (guard !== undefined && update.guarded !== true) {
          value = where(guard, value, variable.value);
          slots = Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, where(guard, v, previous?.[k] ?? this.initialSlot(k, variable.value))]));
        }
        return { value: own(value), slots: Object.fromEntries(Object.entries(slots).map(([k, v]) => [k, own(v)])) };
      });
    });
    // Nothing below can fail: the shapes and dtypes were checked, the values are computed.
    results.forEach(({ value, slots }, i) => {
      const { name, variable } = pairs[i]!;
      variable.assign(value);
      value.dispose();
      this.replaceSlots(name, slots);
    });
    const previous = this.#next;
    if (guard === undefined && previous === null) {
      this.#iterations++;
    } else {
      // One program: next step number = previous one + (1 where the guard let this step through).
      const base = this.#iterations + 1;
      this.#next = keep(
        updateProgram(`${this.name}.step`, { next: previous ?? undefined, guard }, (p, x) =>
          p.binary("add", x.next ?? p.constant(base, "int32"), x.guard === undefined ? 1 : p.cast(x.guard, "int32")),
        ),
      );
      previous?.dispose();
    }
  }

  /**
   * The value a slot starts from before the first update (zeros; Adagrad's sum starts at its initial
   * accumulator). A guarded step that is skipped on the very first update keeps this value.
   */
  protected initialSlot(_slot: string, value: Tensor): Tensor {
    return zerosLike(value);
  }

  private pair(parameters: Named<Variable>, gradients: Named<Tensor>): { name: string; variable: Variable; gradient: Tensor }[] {
    const op = `${this.name}.step`;
    for (const [argument, given] of [["parameters", parameters], ["gradients", gradients]] as const) {
      const value: unknown = given;
      if (typeof value !== "object" || value === null || value instanceof Tensor || value instanceof Variable) {
        throw new ArgumentError({ op, argument }, `expected ${argument} by name (an object) or by position (an array), got ${describeValue(value)}`);
      }
    }
    const params: [string, Variable][] = Array.isArray(parameters) ? parameters.map((v: Variable) => [v.name, v]) : Object.entries(parameters);
    const grads: [string, Tensor][] = Array.isArray(gradients)
      ? gradients.map((g: Tensor, i: number) => [params[i]?.[0] ?? String(i), g])
      : Object.entries(gradients);
    for (const [name, v] of params) {
      const value: unknown = v;
      if (value instanceof Variable) continue;
      const seen = value instanceof Tensor ? "a plain Tensor, which an optimizer cannot update in place" : describeValue(value);
      throw new ArgumentError({ op, argument: name }, `expected a Variable (from model.namedParameters() or variable(t)), got ${seen}`);
    }
    if (params.length === 0) throw new ArgumentError({ op, argument: "parameters" }, "got no parameters to update; pass model.namedParameters()");
    if (grads.length === 0) throw new ArgumentError({ op, argument: "gradients" }, "got no gradients; pass the gradients valueAndGrad returned for the parameters");
    const byName = new Map(params);
    if (Array.isArray(gradients) && gradients.length !== params.length) {
      throw new ArgumentError({ op, argument: "gradients" }, `got ${gradients.length} gradients for ${params.length} parameters`);
    }
    const pairs: { name: string; variable: Variable; gradient: Tensor }[] = [];
    for (const [name, gradient] of grads) {
      const variable = byName.get(name);
      if (variable === undefined) throw new ArgumentError({ op, argument: "gradients" }, `gradient '${name}' has no parameter of that name`);
      if (!variable.trainable) continue;
      const g: unknown = gradient;
      if (!(g instanceof Tensor)) throw new ArgumentError({ op, argument: name }, `expected a gradient tensor for '${name}', got ${describeValue(g)}`);
      if (gradient.isDisposed) throw new DisposedError({ op, argument: name }, `the gradient for '${name}' was disposed before the step`);
      if (variable.value.isDisposed) throw new DisposedError({ op, argument: name }, `the parameter '${name}' was disposed`);
      const slots = this.#slots.get(name);
      for (const [slot, t] of Object.entries(slots ?? {})) {
        if (!shapesEqual(t.shape, variable.shape)) {
          throw new ShapeError({ op, argument: name }, `slot '${slot}' of shape ${formatShape(t.shape)} does not match the parameter's shape ${formatShape(variable.shape)}; reset() or load a matching state`);
        }
      }
      if (gradient.dtype !== variable.dtype) {
        throw new DTypeError({ op, argument: name }, `gradient dtype ${gradient.dtype} differs from the parameter's ${variable.dtype}`);
      }
      if (!shapesEqual(gradient.shape, variable.shape)) {
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

  private hyper(name: string, t: number | Tensor, guard: Tensor | undefined): Hyper {
    const group = this.options.groups?.find((g) => g.match(name));
    const lr = group?.lr ?? this.#lr;
    const weightDecay = group?.weightDecay ?? this.options.weightDecay ?? 0;
    // Literals, not spreads: a spread of optional parts builds a new object shape per step, which costs V8
    // microseconds per parameter.
    return guard === undefined ? { lr, weightDecay, t } : { lr, weightDecay, t, guard };
  }

  /** Stores the new slot tensors (owned handles) and frees the previous ones. */
  private replaceSlots(name: string, slots: Slots): void {
    const previous = this.#slots.get(name);
    // The optimizer owns its slots across steps: no enclosing `tidy` of the caller may free them.
    for (const t of Object.values(slots)) keep(t);
    this.#slots.set(name, slots);
    for (const t of Object.values(previous ?? {})) t.dispose();
  }

  /** A snapshot of the state (the slot tensors are new handles the caller owns and may dispose). */
  state(): OptimizerState {
    const slots: Record<string, Slots> = {};
    for (const [name, s] of this.#slots) slots[name] = Object.fromEntries(Object.entries(s).map(([k, t]) => [k, keep(t.clone())]));
    return { name: this.name, iterations: this.iterations, learningRate: this.#lr, slots };
  }

  /**
   * The slot names this optimizer keeps per parameter (with its options), e.g. `["m", "v"]` for Adam;
   * `loadState` refuses any other. Undefined (the default) accepts any names.
   */
  protected slotNames(): readonly string[] | undefined {
    return undefined;
  }

  /**
   * Checks that `state` fits this optimizer — its kind, a whole step count, a learning rate in range, the slot
   * names it keeps, every slot a live tensor with one shape per parameter, and, when `parameters` are given,
   * a trainable parameter of that name, shape and dtype behind every slot — and throws naming the first
   * problem. Changes nothing.
   */
  validateState(state: OptimizerState, parameters?: Readonly<Record<string, Variable>>): void {
    const op = `${this.name}.loadState`;
    const given: unknown = state;
    if (typeof given !== "object" || given === null) throw new ArgumentError({ op, argument: "state" }, `expected an optimizer state, got ${describeValue(given)}`);
    if (state.name !== this.name) throw new ArgumentError({ op, argument: "state" }, `state of a '${state.name}' optimizer cannot load into '${this.name}'`);
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new ArgumentError({ op, argument: "iterations" }, `expected a whole step count ≥ 0, got ${describeValue(state.iterations)}`);
    }
    checkRange(op, "learningRate", state.learningRate, { min: 0, minExclusive: true });
    const slots: unknown = state.slots;
    if (typeof slots !== "object" || slots === null) throw new ArgumentError({ op, argument: "slots" }, `expected slots by parameter name, got ${describeValue(slots)}`);
    const names = this.slotNames();
    for (const [param, byName] of Object.entries(state.slots)) {
      let shape: readonly number[] | null = null;
      for (const [slot, t] of Object.entries(byName)) {
        const where = `slot '${slot}' of '${param}'`;
        if (names !== undefined && !names.includes(slot)) {
          throw new ArgumentError({ op, argument: param }, `${where} is not kept by ${this.name} with these options; it keeps ${names.map((n) => `'${n}'`).join(", ") || "no slots"}`);
        }
        const value: unknown = t;
        if (!(value instanceof Tensor)) throw new ArgumentError({ op, argument: param }, `${where} is not a tensor: ${describeValue(value)}`);
        if (t.isDisposed) throw new DisposedError({ op, argument: param }, `${where} was disposed`);
        const expected = parameters?.[param];
        if (parameters !== undefined && (expected === undefined || !expected.trainable)) {
          throw new ArgumentError({ op, argument: param }, `${where} belongs to no trainable parameter of that name`);
        }
        shape ??= expected?.shape ?? t.shape;
        if (!shapesEqual(t.shape, shape)) {
          throw new ShapeError({ op, argument: param }, `${where} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}${expected === undefined ? " like its other slots" : " like the parameter"}`);
        }
        if (expected !== undefined && t.dtype !== expected.dtype) {
          throw new DTypeError({ op, argument: param }, `${where} has dtype ${t.dtype}, expected the parameter's ${expected.dtype}`);
        }
      }
    }
  }

  /**
   * Restores a snapshot taken by `state()` of an optimizer of the same kind. Everything is checked first (see
   * `validateState`; pass the parameters to check the slots against them), so a refused state changes nothing.
   */
  loadState(state: OptimizerState, parameters?: Readonly<Record<string, Variable>>): void {
    this.validateState(state, parameters);
    this.#dropPending();
    this.#iterations = state.iterations;
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
    this.#dropPending();
  }
}

function checkGuard(op: string, guard: Tensor): void {
  const value: unknown = guard;
  if (!(value instanceof Tensor) || guard.dtype !== "bool" || guard.size !== 1) {
    throw new ArgumentError({ op, argument: "guard" }, `expected a bool scalar tensor, got ${value instanceof Tensor ? `${guard.dtype} of shape ${formatShape(guard.shape)}` : describeValue(value)}`);
  }
  if (guard.isDisposed) throw new DisposedError({ op, argument: "guard" }, "the guard was disposed");
}
