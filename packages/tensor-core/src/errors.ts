import type { DType } from "./dtype.js";

/** Where an error happened: the op and, when one argument is at fault, which one. */
export interface ErrorSite {
  readonly op: string;
  readonly argument?: string;
  /** The tensor at fault, when there is one: lets an enclosing public call name its own argument for it. */
  readonly tensor?: object;
}

/**
 * Base class of every error Neurite throws on purpose. The message always starts with the op (and the argument
 * when one is at fault), then says what was seen and what was expected. An error raised by an op inside a
 * public function (a composite, a loss, `grad`) names that function; `origin` then says where inside it
 * happened ("sub (argument 'b')").
 */
export class NeuriteError extends Error {
  readonly op: string;
  readonly argument: string | undefined;
  /** What was seen and what was expected: the message without the op prefix. */
  readonly detail: string;
  /** The internal op and argument that raised it, when a public call renamed it. */
  readonly origin: string | undefined;
  /** @internal The tensor at fault, if known. */
  readonly tensor: object | undefined;

  constructor(site: ErrorSite, message: string, options?: { readonly cause?: unknown; readonly origin?: string }) {
    const origin = options?.origin;
    super(`${describeSite(site)}: ${message}${origin === undefined ? "" : ` (raised in ${origin})`}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.op = site.op;
    this.argument = site.argument;
    this.detail = message;
    this.origin = origin;
    this.tensor = site.tensor;
  }
}

/** "op" or "op (argument 'name')", as messages start. */
export function describeSite(site: { readonly op: string; readonly argument?: string | undefined }): string {
  return `${site.op}${site.argument === undefined ? "" : ` (argument '${site.argument}')`}`;
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
/**
 * The error for operands `a` and `b` whose dtypes differ (thrown by the caller, after its own check), with a
 * cast to suggest when `hint` is set.
 */
export function dtypesDiffer(site: ErrorSite, a: DType, b: DType, hint = false): DTypeError {
  return new DTypeError(site, `dtypes differ: a is ${a}, b is ${b}; cast one first${hint ? `, e.g. b.cast("${a}")` : ""}`);
}

export function expectDType(site: ErrorSite, dtype: DType, allowed: readonly DType[]): void {
  if (!allowed.includes(dtype)) {
    throw new DTypeError(site, `got dtype ${dtype}, expected ${allowed.join(" or ")}`);
  }
}
