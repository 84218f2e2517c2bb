import type { DType } from "./dtype.js";

/** Where an error happened: the op and, when one argument is at fault, which one. */
export interface ErrorSite {
  readonly op: string;
  readonly argument?: string;
}

/**
 * Base class of every error Neurite throws on purpose. The message always starts with the op (and the argument
 * when one is at fault), then says what was seen and what was expected.
 */
export class NeuriteError extends Error {
  readonly op: string;
  readonly argument: string | undefined;

  constructor(site: ErrorSite, message: string) {
    super(`${site.op}${site.argument === undefined ? "" : ` (argument '${site.argument}')`}: ${message}`);
    this.name = new.target.name;
    this.op = site.op;
    this.argument = site.argument;
  }
}

/** Shapes that do not fit: broadcasting, matmul inner sizes, reshape sizes, concatenation. */
export class ShapeError extends NeuriteError {}

/** A dtype an op does not accept, or two dtypes that do not match. */
export class DTypeError extends NeuriteError {}

/** A value that is not allowed: a NaN size or seed, an axis out of range, a negative count. */
export class ArgumentError extends NeuriteError {}

/** A tensor was used after `dispose()` (or after the scope that owned it ended). */
export class DisposedError extends NeuriteError {}

/** A memory scope used wrongly: running code in a `tidy` scope that has ended. */
export class ScopeError extends NeuriteError {}

/** No backend set, a backend that lacks a dtype or a capability, a device that was lost. */
export class BackendError extends NeuriteError {}

/** Formats a shape the way the messages show it: `[2, 3]`, `[]` for a scalar. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** Throws a DTypeError unless `dtype` is one of `allowed`. */
export function expectDType(site: ErrorSite, dtype: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError(site, `got dtype ${dtype}, expected ${allowed.join(" or ")}`);
  }
}
