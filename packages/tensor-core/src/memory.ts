import type { Backend } from "./backend.js";
import { engine, type MemoryInfo } from "./engine.js";
import { ScopeError } from "./errors.js";
import { Scope } from "./scope.js";
import { Tensor } from "./tensor.js";

/**
 * Every tensor found in a value: a tensor itself, or anything holding tensors that can be seen from outside —
 * arrays, Maps (keys and values), Sets, plain objects and class instances (their own enumerable properties,
 * symbol-keyed ones too). A class's `#private` fields and closures cannot be seen; `keep()` what they hold.
 */
export function tensorsIn(value: unknown, found: Set<Tensor> = new Set(), seen: Set<object> = new Set()): Set<Tensor> {
  if (value instanceof Tensor) {
    found.add(value);
    return found;
  }
  if (value === null || typeof value !== "object" || seen.has(value) || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return found;
  seen.add(value);
  if (Array.isArray(value) || value instanceof Set) {
    for (const v of value as Iterable<unknown>) tensorsIn(v, found, seen);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      tensorsIn(k, found, seen);
      tensorsIn(v, found, seen);
    }
  } else if (!(value instanceof Promise)) {
    for (const key of Reflect.ownKeys(value)) {
      if (Object.prototype.propertyIsEnumerable.call(value, key)) tensorsIn((value as Record<PropertyKey, unknown>)[key], found, seen);
    }
  }
  return found;
}

/**
 * The handle a `tidy` function receives. `run(fn)` runs a synchronous part of an async function inside the
 * scope: needed after an `await` only where there is no async context (browsers), harmless everywhere.
 */
export interface TidyScope {
  /** Runs `fn` with this scope current: the tensors it creates belong to the scope. */
  run<R>(fn: () => R): R;
  /** Whether the scope has ended (its tensors were freed). */
  readonly closed: boolean;
  /**
   * Whether `t` belongs to this scope (made in it, or handed to it by an inner scope, and not kept): returning
   * it hands it to the caller as it is, where a tensor from outside needs a new handle (`clone()`) to be the
   * caller's own.
   */
  owns(t: Tensor): boolean;
}

class TidyHandle implements TidyScope {
  constructor(private readonly scope: Scope) {}

  get closed(): boolean {
    return this.scope.closed;
  }

  owns(t: Tensor): boolean {
    return t.owner === this.scope;
  }

  run<R>(fn: () => R): R {
    if (this.scope.closed) {
      throw new ScopeError({ op: "scope.run" }, "this tidy scope has already ended and freed its tensors; run the code before its function returns");
    }
    return runIn(this.scope, fn);
  }
}

/** Runs `fn` with `scope` as the innermost synchronous scope. */
function runIn<R>(scope: Scope | null, fn: () => R): R {
  const saved = engine.syncScope;
  engine.syncScope = scope;
  try {
    return fn();
  } finally {
    engine.syncScope = saved;
  }
}

function closeScope(scope: Scope, result: unknown): void {
  scope.closed = true;
  // Most scopes return one tensor (every composite op's does): no walk of the result for those.
  const single = result instanceof Tensor ? result : null;
  const kept = single === null && scope.tensors.size > 0 ? tensorsIn(result) : null;
  const parent = scope.parent?.open() ?? null;
  // Each step removes only the tensor it visits from the set, which a Set's iteration allows.
  for (const t of scope.tensors) {
    if (single !== null ? t !== single : !kept!.has(t)) t.dispose();
    else if (parent !== null) parent.adopt(t);
    else scope.release(t);
  }
}

function isAsyncFunction(fn: unknown): boolean {
  return typeof fn === "function" && fn.constructor.name === "AsyncFunction";
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns (found in arrays,
 * objects, class instances, Maps and Sets) and those passed to `keep()`. Returned tensors move to the
 * enclosing scope, if any, or to the caller.
 *
 * `fn` may be async: the scope stays open until its promise settles, and it follows its own async context
 * (Node's AsyncLocalStorage), so a tensor another task creates meanwhile — a timer, a second `fit`, another
 * async `tidy` — never joins it. Where there is no async context (browsers), an async scope owns what its
 * function creates before its first `await` and inside `scope.run(…)`; tensors created elsewhere after an
 * `await` belong to the caller — never to another task's scope.
 *
 * ```ts
 * const x = tensor([-1, 2, 3]);
 * const y = tidy(() => x.mul(2).add(1).relu()); // the intermediate results are freed
 * const model = sequential([dense(3, 1)]);
 * const batches = new DataLoader(courseNotesTable(), { batchSize: 2 })[Symbol.asyncIterator]();
 * const loss = await tidy(async (scope) => {
 *   const batch = (await batches.next()).value!;
 *   return scope.run(() => mse(model.forward(batch.x), batch.y));
 * });
 * ```
 */
export function tidy<T>(fn: (scope: TidyScope) => Promise<T>): Promise<T>;
export function tidy<T>(fn: (scope: TidyScope) => T): T;
export function tidy<T>(fn: (scope: TidyScope) => T | Promise<T>): T | Promise<T> {
  const scope = new Scope(engine.currentScope());
  const handle = new TidyHandle(scope);
  const context = isAsyncFunction(fn) ? engine.asyncScopes() : null;
  let result: T | Promise<T>;
  try {
    if (context === null) {
      result = runIn(scope, () => fn(handle));
    } else {
      // The sync scope is cleared so that the async scope, which the context carries across awaits, is current.
      result = runIn(null, () => context.run(scope, () => fn(handle)));
    }
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

/**
 * @internal The scope of a composite op: synchronous only, so it never touches the async context (the op
 * layer calls it for every composite).
 */
export function scoped<T>(fn: () => T): T {
  const scope = new Scope(engine.currentScope());
  let result: T;
  try {
    result = runIn(scope, fn);
  } catch (error) {
    closeScope(scope, undefined);
    throw error;
  }
  closeScope(scope, result);
  return result;
}

/**
 * Takes the tensors in `value` (a tensor, or a tree of them) away from whatever owns them — a `tidy` scope,
 * or a variable holding them as its latest gradients — so the caller owns them and disposes them. Returns
 * `value`.
 *
 * ```ts
 * const [model, x] = [sequential([dense(2, 1)]), tensor([[1, 2]])];
 * const best = tidy(() => keep(model.forward(x))); // survives the scope
 * ```
 */
export function keep<T>(value: T): T {
  for (const t of tensorsIn(value)) t.owner?.release(t);
  return value;
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
