import { engine } from "./engine.js";
import { ArgumentError, DTypeError, ShapeError, formatShape } from "./errors.js";
import { keep } from "./memory.js";
import { clone } from "./ops/cast.js";
import type { Owner } from "./scope.js";
import { shapesEqual } from "./shape.js";
import type { Tensor } from "./tensor.js";

let nextVariable = 0;

/**
 * Values that stand in for variables while `withVariableValues` runs: the innermost substitution wins.
 * Module-level state of this copy of tensor-core; empty outside `withVariableValues`.
 */
const substitutions: Map<Variable, Tensor>[] = [];

/**
 * The gradients one `grad` / `valueAndGrad` call computed for some variables, and the value returned with
 * them. It owns that value, and frees it once none of its variables holds these gradients any more (each has
 * newer ones, or was disposed).
 */
export class GradientSet implements Owner {
  private holders = 0;

  constructor(private value: Tensor | null) {
    value?.moveTo(this);
  }

  join(): void {
    this.holders++;
  }

  leave(): void {
    if (--this.holders > 0) return;
    const value = this.value;
    this.value = null;
    if (value !== null && value.owner === this) value.dispose();
  }

  release(t: Tensor): void {
    if (t === this.value) this.value = null;
    if (t.owner === this) t.owner = null;
  }
}

/**
 * Makes `gradients` — tensors that would otherwise be the caller's — the latest gradients of their
 * variables, which own them from now on (as PyTorch's `param.grad`): a variable frees its previous gradients
 * when it gets new ones, and when it is disposed. `value` (the loss `valueAndGrad` returned with them) is
 * freed once all of these variables have moved on. `keep()` takes any of them away for the caller.
 *
 * Called by autograd. Inside a `tidy` scope the scope owns them, as it owns everything created in it; inside
 * a traced function (gradients of gradients) they are intermediate results. In both cases nothing changes.
 */
export function holdGradients(gradients: readonly (readonly [Variable, Tensor])[], value: Tensor | null): void {
  if (engine.recorder !== null || engine.currentScope() !== null || gradients.length === 0) return;
  const set = new GradientSet(value);
  const byVariable = new Map<Variable, Tensor[]>();
  for (const [v, t] of gradients) {
    const list = byVariable.get(v);
    if (list === undefined) byVariable.set(v, [t]);
    else list.push(t);
  }
  for (const [v, list] of byVariable) v.holdGradients(list, set);
}

/**
 * A named, mutable slot holding a tensor: what a model's weights and an optimizer's moments are. Tensors
 * stay immutable; training replaces a variable's value with `assign`, which frees the old one. A variable's
 * value belongs to no `tidy` scope, so it lives until the variable is disposed. Its latest gradient
 * (`grad`) belongs to it too, until the next gradient replaces it.
 *
 * ```ts
 * const w = variable(randomNormal([3, 1], { std: 0.01 }), { name: "w" });
 * const [gradient, lr] = [ones([3, 1]), 0.1];
 * w.assign(w.value.sub(gradient.mul(lr)));
 * ```
 */
export class Variable implements Owner {
  readonly name: string;
  /** Whether optimizers update it (and `grad` over a model differentiates it). */
  trainable: boolean;
  #value: Tensor;
  #gradients: Tensor[] = [];
  #gradientSet: GradientSet | null = null;

  constructor(initial: Tensor, options: { readonly name?: string; readonly trainable?: boolean } = {}) {
    this.name = options.name ?? `variable_${nextVariable++}`;
    this.trainable = options.trainable ?? true;
    this.#value = keep(clone(initial));
  }

  /**
   * The current value — or, inside `withVariableValues`, the tensor substituted for this variable. Do not
   * dispose it; it is replaced by `assign` and freed by `dispose`.
   */
  get value(): Tensor {
    for (let i = substitutions.length - 1; i >= 0; i--) {
      const t = substitutions[i]!.get(this);
      if (t !== undefined) return t;
    }
    return this.#value;
  }

  get shape(): readonly number[] {
    return this.#value.shape;
  }

  /**
   * The gradient the latest `grad` / `valueAndGrad` call computed for this variable, while the variable still
   * owns it (null before the first, or after `keep()` took it). Freed when the next gradient arrives.
   */
  get grad(): Tensor | null {
    return this.#gradients[0] ?? null;
  }

  /** @internal Use `holdGradients`. Frees the previous gradients and owns `gradients`. */
  holdGradients(gradients: readonly Tensor[], set: GradientSet): void {
    this.dropGradients();
    for (const t of gradients) t.moveTo(this);
    this.#gradients = [...gradients];
    this.#gradientSet = set;
    set.join();
  }

  /** @internal A gradient leaves this variable's ownership (`keep`, or it was disposed). */
  release(t: Tensor): void {
    const i = this.#gradients.indexOf(t);
    if (i !== -1) this.#gradients.splice(i, 1);
    if (t.owner === this) t.owner = null;
  }

  private dropGradients(): void {
    const old = this.#gradients;
    const set = this.#gradientSet;
    this.#gradients = [];
    this.#gradientSet = null;
    for (const t of old) t.dispose();
    set?.leave();
  }

  get dtype(): Tensor["dtype"] {
    return this.#value.dtype;
  }

  /**
   * Replaces the value with `next` (same shape and dtype; the variable keeps its own handle, so `next` may be
   * disposed or belong to a scope) and frees the previous value.
   */
  assign(next: Tensor): void {
    const op = "Variable.assign";
    if (next.dtype !== this.#value.dtype) {
      throw new DTypeError({ op, argument: this.name }, `got dtype ${next.dtype}, expected ${this.#value.dtype}`);
    }
    if (!shapesEqual(next.shape, this.#value.shape)) {
      throw new ShapeError({ op, argument: this.name }, `got shape ${formatShape(next.shape)}, expected ${formatShape(this.#value.shape)}`);
    }
    if (next === this.#value) return;
    const previous = this.#value;
    const saved = engine.recorder;
    engine.recorder = null; // an assignment is not part of any traced computation
    try {
      this.#value = keep(clone(next));
    } finally {
      engine.recorder = saved;
    }
    previous.dispose();
  }

  /** Frees the value and the gradients the variable holds. */
  dispose(): void {
    this.#value.dispose();
    this.dropGradients();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Runs `fn` with each variable in `values` reading as the given tensor (same shape; another float dtype is
 * allowed, e.g. float64 copies for gradient checking) instead of its
 * own value. This is how a model that reads its weights from variables is evaluated at other weights —
 * autograd differentiates with respect to variables this way — without assigning anything.
 */
export function withVariableValues<T>(values: ReadonlyMap<Variable, Tensor>, fn: () => T): T {
  for (const [v, t] of values) {
    if (!shapesEqual(t.shape, v.shape)) {
      throw new ShapeError(
        { op: "withVariableValues", argument: v.name },
        `substitute of shape ${formatShape(t.shape)} does not match the variable's ${formatShape(v.shape)}`,
      );
    }
  }
  substitutions.push(new Map(values));
  try {
    return fn();
  } finally {
    substitutions.pop();
  }
}

/** A new variable holding (a handle on) `initial`. */
export function variable(initial: Tensor, options?: { readonly name?: string; readonly trainable?: boolean }): Variable {
  if (options?.name?.length === 0) throw new ArgumentError({ op: "variable", argument: "name" }, "a variable name must not be empty");
  return new Variable(initial, options);
}
