import { ArgumentError, BackendError, describeSite, DisposedError, DTypeError, NeuriteError, ScopeError, ShapeError, type ErrorSite } from "./errors.js";
import { Variable } from "./variable.js";

/**
 * Runs `fn` as the public function `op` called with `args`: an error one of tensor-core's ops raises inside
 * it is re-raised, same class, naming `op` — and the argument, when the tensor at fault is in one of `args`
 * (a tensor, a tree of them, or a Variable) — with the inner op kept as `origin` and the original as `cause`.
 * The one mechanism by which composites, losses and transforms report the call the user made.
 *
 * ```ts
 * function mse(predictions: Tensor, targets: Tensor): Tensor {
 *   return callSite("mse", { predictions, targets }, () => predictions.sub(targets).square().mean());
 * }
 * mse(tensor([1, 2]), tensor([1, 3])); // 0.5
 * // mse(x, intTargets) → DTypeError "mse (argument 'targets'): dtypes differ … (raised in sub (argument 'b'))"
 * ```
 */
export function callSite<T>(op: string, args: Readonly<Record<string, unknown>>, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw attributed.has(error as object) ? error : renamed(error, op, args);
  }
}

/** Errors that left a function the user supplied: they already name the user's own call. */
const attributed = new WeakSet<object>();

/**
 * Runs a function the user supplied — the `f` of `grad`, a model's `forward` and a loss inside `fit` — so
 * that an error raised in it keeps the name it had when it left: the user's own call (`add`, `mse`,
 * `Dense(3 → 2)`), never the transform around it. Inside `fn`, callSites name their functions as usual.
 *
 * ```ts
 * const x = tensor([1, 2]);
 * try {
 *   callSite("grad", { x }, () => userFunction(() => x.add(tensor([1, 2, 3]))));
 * } catch (error) {
 *   console.log((error as Error).message); // "add (argument 'b'): …", not "grad: … (raised in add)"
 * }
 * ```
 */
export function userFunction<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error !== null && typeof error === "object") attributed.add(error);
    throw error;
  }
}

/**
 * The errors tensor-core's ops raise. Another package's own diagnoses (autograd naming an op of the user's
 * function that has no rule, say) already point at the user's code and pass through unchanged.
 */
const OP_ERRORS: readonly (abstract new (...args: never[]) => NeuriteError)[] = [ShapeError, DTypeError, ArgumentError, DisposedError, BackendError, ScopeError];

/** `error` as raised by the public call `op`; unchanged unless it is a NeuriteError of another op. */
function renamed(error: unknown, op: string, args: Readonly<Record<string, unknown>>): unknown {
  if (!(error instanceof NeuriteError) || error.op === op || !OP_ERRORS.includes(error.constructor as (typeof OP_ERRORS)[number])) return error;
  const argument = error.tensor === undefined ? undefined : Object.entries(args).find(([, v]) => holds(v, error.tensor!, new Set()))?.[0];
  const Class = error.constructor as new (site: ErrorSite, message: string, options?: { cause?: unknown; origin?: string }) => NeuriteError;
  const site: ErrorSite = argument === undefined ? { op } : { op, argument };
  const copy = new Class(error.tensor === undefined ? site : { ...site, tensor: error.tensor }, error.detail, {
    cause: error,
    origin: error.origin ?? describeSite(error),
  });
  return copy;
}

/** Whether `value` is `tensor`, holds it (arrays, objects, Maps, Sets), or is a variable whose value it is. */
function holds(value: unknown, tensor: object, seen: Set<object>): boolean {
  if (value === tensor) return true;
  if (value === null || typeof value !== "object" || seen.has(value) || ArrayBuffer.isView(value)) return false;
  seen.add(value);
  if (value instanceof Variable) return value.value === tensor;
  const items = Array.isArray(value) || value instanceof Set ? [...(value as Iterable<unknown>)] : value instanceof Map ? [...value.values()] : Object.values(value);
  return items.some((v) => holds(v, tensor, seen));
}

