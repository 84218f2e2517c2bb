import type { Backend } from "./backend.js";
import { engine, type MemoryInfo } from "./engine.js";
import { Tensor } from "./tensor.js";

/** Every tensor found in a value: a tensor, or arrays and plain objects of them (a model's parameter tree). */
export function tensorsIn(value: unknown, found: Set<Tensor> = new Set()): Set<Tensor> {
  if (value instanceof Tensor) {
    found.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) tensorsIn(v, found);
  } else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) tensorsIn(v, found);
  } else if (value instanceof Map) {
    for (const v of value.values()) tensorsIn(v, found);
  }
  return found;
}

function closeScope(scope: Set<Tensor>, result: unknown): void {
  const index = engine.scopes.lastIndexOf(scope);
  if (index !== -1) engine.scopes.splice(index, 1);
  const kept = tensorsIn(result);
  const parent = engine.scopes.at(-1);
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns (found in arrays and
 * plain objects too) and those passed to `keep()`. Returned tensors move to the enclosing scope, if any.
 * `fn` may be async: the scope then stays open until its promise settles. Async scopes must not interleave
 * (two running at once would claim each other's tensors); await one before starting the next.
 *
 * ```ts
 * const x = tensor([-1, 2, 3]);
 * const y = tidy(() => x.mul(2).add(1).relu()); // the intermediate results are freed
 * ```
 */
export function tidy<T>(fn: () => Promise<T>): Promise<T>;
export function tidy<T>(fn: () => T): T;
export function tidy<T>(fn: () => T | Promise<T>): T | Promise<T> {
  const scope = new Set<Tensor>();
  engine.scopes.push(scope);
  let result: T | Promise<T>;
  try {
    result = fn();
  } catch (error) {
    closeScope(scope, undefined);
    throw error;
  }
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        closeScope(scope, value);
        return value;
      },
      (error: unknown) => {
        closeScope(scope, undefined);
        throw error;
      },
    );
  }
  closeScope(scope, result);
  return result;
}

/** Exempts `t` from the scopes it was created in; the caller now disposes it. Returns `t`. */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of engine.scopes) scope.delete(t);
  return t;
}

/**
 * Live tensors and storage on one backend (the current one by default).
 *
 * ```ts
 * const x = tensor([1, 2]);
 * const before = memory().tensors;
 * tidy(() => x.add(1).mul(2));
 * memory().tensors === before; // true
 * ```
 */
export function memory(backend: Backend = engine.currentBackend("memory")): MemoryInfo {
  const storage = backend.memory();
  return { backend: backend.name, tensors: engine.liveTensors.get(backend) ?? 0, buffers: storage.buffers, bytes: storage.bytes };
}
