import type { Backend } from "../backend.js";
import { isDType, type DType } from "../dtype.js";
import { BackendError, DTypeError } from "../errors.js";
import { makeTensor, viewTensor, type Tensor } from "../tensor.js";
import { kernel, requireDType, runOp } from "./op.js";

/**
 * Converts to another dtype: float → int32 truncates toward zero, non-zero → bool is true,
 * bool → number is 0 or 1. Casting to the same dtype returns a new handle on the same data.
 *
 * ```ts
 * tensor([1.7, -1.7, 0]).cast("int32"); // [1, -1, 0]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const op = "cast";
  if (!isDType(dtype)) throw new DTypeError({ op, argument: "dtype" }, `unknown dtype ${String(dtype)}; expected float32, int32, bool or float64`);
  if (dtype === x.dtype) return clone(x);
  return runOp(op, [x], { dtype }, true, () => {
    const out = { shape: x.shape, dtype };
    return kernel(op, { x }, out, (backend, info) => backend.cast(info.x!, out));
  });
}

/** A new tensor handle on the same data (no copy). Disposing either leaves the other valid. */
export function clone(x: Tensor): Tensor {
  return runOp("clone", [x], {}, true, () => viewTensor(x, "clone", x.shape));
}

/**
 * A copy of `x` on another backend. Reads the values from the source backend (asynchronously, so it works
 * for GPU backends too) and uploads them to `backend`. The copy is a new constant: autograd does not trace
 * through a move between backends (differentiate on one backend, then move the results).
 *
 * ```ts
 * const t = tensor([1, 2, 3]);
 * const copy = await t.toBackend(cpu()); // e.g. to a WebGPU backend: await t.toBackend(await webgpu())
 * ```
 */
export async function toBackend(x: Tensor, backend: Backend): Promise<Tensor> {
  const op = "toBackend";
  const source = x.storage(op, "x").backend;
  requireDType({ op, argument: "backend" }, backend, x.dtype);
  if (source === backend) return clone(x);
  const values = await x.data();
  if (x.isDisposed) throw new BackendError({ op, argument: "x" }, "the tensor was disposed while it was being read");
  return makeTensor(backend, backend.upload(values, x.dtype), x.shape, x.dtype);
}
