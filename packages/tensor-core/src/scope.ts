import type { Tensor } from "./tensor.js";

/**
 * Something that owns tensors and frees them when its time is up: a `tidy` scope, or a variable holding its
 * latest gradients. Every tensor has at most one owner; a tensor without one belongs to the caller.
 */
export interface Owner {
  /** Stops owning `t` without freeing it (it moves to another owner, or to the caller). */
  release(t: Tensor): void;
}

/**
 * One `tidy` scope: the tensors created while it is current, freed when it closes except those it hands to
 * its parent (the scope that was current when it opened) or that were taken away with `keep()`.
 */
export class Scope implements Owner {
  readonly tensors = new Set<Tensor>();
  closed = false;

  constructor(readonly parent: Scope | null) {}

  adopt(t: Tensor): void {
    this.tensors.add(t);
    t.moveTo(this);
  }

  release(t: Tensor): void {
    this.tensors.delete(t);
    if (t.owner === this) t.owner = null;
  }

  /** The nearest scope, this one or an ancestor, that is still open. */
  open(): Scope | null {
    return this.closed ? (this.parent?.open() ?? null) : this;
  }
}

/** The part of Node's AsyncLocalStorage that scopes use: a value that follows its own async context. */
export interface AsyncContext<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

/**
 * Node's (and Deno's, Bun's, edge runtimes') AsyncLocalStorage when the environment has one; null in
 * browsers, which have no async context yet. Loaded through `process.getBuiltinModule` at the first async
 * scope, never by an import, so tensor-core stays free of Node imports and of import side effects.
 */
export function loadAsyncContext<T>(): AsyncContext<T> | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== "function") return null;
  const hooks = proc.getBuiltinModule("node:async_hooks") as { AsyncLocalStorage?: new () => AsyncContext<T> } | undefined;
  return hooks?.AsyncLocalStorage === undefined ? null : new hooks.AsyncLocalStorage();
}
