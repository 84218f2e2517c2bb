import type { Backend, DataId, OutputSpec, TensorInfo } from "../backend.js";
import { fitValue, type DType } from "../dtype.js";
import { BackendError, DTypeError, formatShape, NeuriteError, type ErrorSite } from "../errors.js";
import { engine, storageBytes } from "../engine.js";
import { callSite } from "../callsite.js";
import { scoped } from "../memory.js";
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
  // A composite's inner ops are not what the user called: their errors are re-raised naming this op.
  const run = primitive ? impl : () => callSite(op, {}, () => scoped(impl));
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

/** Named inputs of one op: `{ a, b }`, `{ x }`, `{ "xs[0]": …, "xs[1]": … }`. Names appear in error messages. */
export type Inputs = Readonly<Record<string, Tensor>>;

/**
 * The backend all `inputs` live on. A disposed input is a DisposedError naming its argument; inputs on
 * different backends are a BackendError.
 */
export function backendOf(op: string, inputs: Inputs): Backend {
  let first: { backend: Backend; name: string } | null = null;
  // for-in rather than Object.entries: this runs for every op, and the pairs would be garbage.
  for (const name in inputs) {
    const t = inputs[name]!;
    const backend = t.storage(op, name).backend;
    if (first === null) first = { backend, name };
    else if (backend !== first.backend) {
      // Two instances of one backend (two cpu() calls) share a name: tell them apart by instance number.
      const label = (b: Backend) => (backend.name === first!.backend.name ? `'${b.name}' #${engine.instanceOf(b)}` : `'${b.name}'`);
      throw new BackendError(
        { op, argument: name, tensor: t },
        `${name} lives on backend ${label(backend)} but ${first.name} on ${label(first.backend)}` +
          `${backend.name === first.backend.name ? " (two instances of the same backend)" : ""}; move one with t.toBackend(backend)`,
      );
    }
  }
  if (first === null) return engine.currentBackend(op);
  return first.backend;
}

/** Throws unless `backend` declares `dtype`. */
export function requireDType(site: ErrorSite, backend: Backend, dtype: DType): void {
  if (!backend.capabilities.dtypes.includes(dtype)) {
    throw new BackendError(site, `backend '${backend.name}' does not support dtype ${dtype} (it supports ${backend.capabilities.dtypes.join(", ")})`);
  }
}

/**
 * Calls one kernel on the inputs' backend (or `backend`, for ops without inputs) and wraps its result.
 * `call` receives what the kernel sees of each input, under the same names.
 */
export function kernel(
  op: string,
  inputs: Inputs,
  out: OutputSpec,
  call: (backend: Backend, info: Readonly<Record<string, TensorInfo>>) => DataId,
  backend?: Backend,
): Tensor {
  const target = backend ?? backendOf(op, inputs);
  requireDType({ op }, target, out.dtype);
  const info: Record<string, TensorInfo> = {};
  const infos: TensorInfo[] = [];
  for (const name in inputs) infos.push((info[name] = inputs[name]!.info(op, name)));
  return makeTensor(target, callKernel(target, op, out, () => call(target, info), infos), out.shape, out.dtype);
}

/**
 * Calls a backend method for `op` and holds it to the contract: an error that is not a NeuriteError is
 * wrapped in a BackendError naming the backend and the op's kernel, with the original as `cause` (a failed
 * allocation says how much was asked for); and a kernel that frees storage it did not create (its inputs, so
 * that the op layer's own free fails later) is caught here, where it happened. `outputs` is how many new
 * storages the call makes (a multi-output program's; `call` returns the first).
 */
export function callKernel(backend: Backend, op: string, out: OutputSpec, call: () => DataId, inputs: readonly TensorInfo[] = [], outputs = 1): DataId {
  const before = backend.memory().buffers;
  let data: DataId;
  try {
    data = call();
  } catch (error) {
    if (backend.memory().buffers < before) throw freedInput(backend, op, error);
    if (error instanceof NeuriteError) throw error;
    const allocation = error instanceof RangeError && /allocation failed|invalid typed array length|invalid array buffer length/i.test(error.message);
    const what = allocation
      ? `could not allocate ${storageBytes(out.shape, out.dtype)} bytes for a ${out.dtype} result of shape ${formatShape(out.shape)} (${error.message}); use smaller tensors`
      : `its kernel for '${op}' threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    throw new BackendError({ op }, `backend '${backend.name}' ${what}`, { cause: error });
  }
  if (backend.memory().buffers < before + outputs) throw freedInput(backend, op, undefined);
  if (inputs.some((x) => x.data === data)) {
    throw new BackendError({ op }, `backend '${backend.name}': its kernel for '${op}' returned one of its inputs' DataIds; ${KERNEL_STORAGE_RULE}`);
  }
  return data;
}

const KERNEL_STORAGE_RULE = "a kernel must return new storage and never free its inputs — tensor-core frees them, once, when their last tensor is disposed";

/** The error for a kernel that freed storage it did not create (an input, most likely). */
function freedInput(backend: Backend, op: string, cause: unknown): BackendError {
  return new BackendError(
    { op },
    `backend '${backend.name}': its kernel for '${op}' freed storage it did not create (live buffers fell below the count before the call plus its output); ${KERNEL_STORAGE_RULE}`,
    cause === undefined ? undefined : { cause },
  );
}

/** A scalar tensor holding `value` in `dtype` on `backend`; a value that does not fit is a DTypeError naming `site`. */
export function scalarOn(backend: Backend, value: number, dtype: DType, site: ErrorSite = { op: "scalar" }): Tensor {
  const out = { shape: [], dtype };
  return makeTensor(backend, callKernel(backend, "fill", out, () => backend.fill(fitValue(site, value, dtype), out)), [], dtype);
}

/**
 * Turns the operands of a binary op into tensors. A plain number takes the dtype and backend of the tensor
 * operand (an int32 tensor with a fractional number is a DTypeError, not a silent truncation). Returns the
 * tensors and the temporaries to dispose once the op has run.
 */
export function operands(op: string, a: TensorLike, b: TensorLike): { a: Tensor; b: Tensor; temps: Tensor[] } {
  if (a instanceof Tensor && b instanceof Tensor) return { a, b, temps: [] };
  const ref = a instanceof Tensor ? a : b instanceof Tensor ? b : null;
  const backend = ref === null ? engine.currentBackend(op) : ref.storage(op, ref === a ? "a" : "b").backend;
  const temps: Tensor[] = [];
  const convert = (value: TensorLike, argument: string): Tensor => {
    if (value instanceof Tensor) return value;
    const dtype = ref?.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
    const n = Number(value);
    if (dtype === "int32" && !Number.isInteger(n)) {
      throw new DTypeError({ op, argument }, `the number ${n} is not an integer but the other operand is int32; cast the tensor to float32 first`);
    }
    const t = scalarOn(backend, n, dtype, { op, argument });
    temps.push(t);
    return t;
  };
  return { a: convert(a, "a"), b: convert(b, "b"), temps };
}

/** Disposes temporaries made by `operands` (the recorder keeps its own references). */
export function disposeAll(tensors: readonly Tensor[]): void {
  for (const t of tensors) t.dispose();
}
