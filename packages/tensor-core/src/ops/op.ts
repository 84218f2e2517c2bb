import type { Backend, DataId, OutputSpec } from "../backend.js";
import { castValue, type DType } from "../dtype.js";
import { engine } from "../engine.js";
import { BackendError, DTypeError, type ErrorSite } from "../errors.js";
import { tidy } from "../memory.js";
import { makeTensor, Tensor } from "../tensor.js";

/** A tensor, or a plain number (or boolean) that takes the other operand's dtype and backend. */
export type TensorLike = Tensor | number | boolean;

/**
 * Runs one op and shows it to the op recorder (autograd), if one is installed.
 * `primitive` marks ops that call a backend kernel (or only change metadata) and have no inner ops; a
 * composite runs inside a `tidy` scope, so it never needs to dispose its intermediate results.
 * `attrs` is what a gradient rule needs besides the inputs and output shapes.
 */
export function runOp(
  op: string,
  inputs: readonly Tensor[],
  attrs: Readonly<Record<string, unknown>>,
  primitive: boolean,
  impl: () => Tensor,
): Tensor {
  const run = primitive ? impl : () => tidy(impl);
  const recorder = engine.recorder;
  if (recorder === null || !recorder.claims(op, inputs, primitive)) return run();
  engine.recorder = null;
  let output: Tensor;
  try {
    output = run();
  } finally {
    engine.recorder = recorder;
  }
  recorder.record({ op, inputs, outputs: [output], attrs });
  return output;
}

/** The backend all `inputs` live on; a BackendError when they live on different ones. */
export function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  const first = inputs[0]!.storage(op, "0").backend;
  for (const [i, t] of inputs.entries()) {
    const b = t.storage(op, String(i)).backend;
    if (b !== first) {
      throw new BackendError(
        { op, argument: String(i) },
        `inputs live on different backends ('${first.name}' and '${b.name}'); move one with t.toBackend(backend)`,
      );
    }
  }
  return first;
}

/** Throws unless `backend` declares `dtype`. */
export function requireDType(site: ErrorSite, backend: Backend, dtype: DType): void {
  if (!backend.capabilities.dtypes.includes(dtype)) {
    throw new BackendError(site, `backend '${backend.name}' does not support dtype ${dtype} (it supports ${backend.capabilities.dtypes.join(", ")})`);
  }
}

/** Calls one kernel on the inputs' backend and wraps its result. */
export function kernel(op: string, inputs: readonly Tensor[], out: OutputSpec, call: (backend: Backend) => DataId, backend?: Backend): Tensor {
  const target = backend ?? backendOf(op, inputs);
  requireDType({ op }, target, out.dtype);
  return makeTensor(target, call(target), out.shape, out.dtype);
}

/** A scalar tensor holding `value` in `dtype` on `backend`. */
export function scalarOn(backend: Backend, value: number, dtype: DType): Tensor {
  return makeTensor(backend, backend.fill(castValue(value, dtype), { shape: [], dtype }), [], dtype);
}

/**
 * Turns the operands of a binary op into tensors. A plain number takes the dtype and backend of the tensor
 * operand (an int32 tensor with a fractional number is a DTypeError, not a silent truncation). Returns the
 * tensors and the temporaries to dispose once the op has run.
 */
export function operands(op: string, a: TensorLike, b: TensorLike): { a: Tensor; b: Tensor; temps: Tensor[] } {
  if (a instanceof Tensor && b instanceof Tensor) return { a, b, temps: [] };
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  const backend = ref === null ? engine.currentBackend(op) : ref.storage(op).backend;
  const temps: Tensor[] = [];
  const convert = (value: TensorLike, argument: string): Tensor => {
    if (value instanceof Tensor) return value;
    const dtype = ref?.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
    const n = Number(value);
    if (dtype === "int32" && !Number.isInteger(n)) {
      throw new DTypeError({ op, argument }, `the number ${n} is not an integer but the other operand is int32; cast the tensor to float32 first`);
    }
    const t = scalarOn(backend, n, dtype);
    temps.push(t);
    return t;
  };
  return { a: convert(a, "a"), b: convert(b, "b"), temps };
}

/** Disposes temporaries made by `operands` (the recorder keeps its own references). */
export function disposeAll(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.dispose();
}
