import type { Backend } from "../backend.js";
import { allocate, fitValue, matchesDType, type DType, type TypedArray } from "../dtype.js";
import type { ErrorSite } from "../errors.js";
import { makeTensor, type Tensor } from "../tensor.js";
import { callKernel } from "./op.js";

// Plain numbers a user gives, into tensors: the one conversion path, so a value that does not fit its dtype
// is refused the same way everywhere (see fitValue). Internal to the op library.

/** A tensor of `values` (converted to `dtype` unless they already are its typed array). */
export function fromValues(site: ErrorSite, values: TypedArray, shape: readonly number[], dtype: DType, backend: Backend): Tensor {
  const stored = matchesDType(values, dtype) ? values : convertArray(site, values, dtype, shape);
  return makeTensor(backend, callKernel(backend, site.op, { shape, dtype }, () => backend.upload(stored, dtype)), shape, dtype);
}

/** The multi-index of flat position `i` in `shape`, as messages show it: "[1, 2]". */
function positionOf(i: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const d = Math.max(shape[axis]!, 1);
    index.unshift(i % d);
    i = Math.floor(i / d);
  }
  return `[${index.join(", ")}]`;
}

/** Values a user gave, converted to `dtype` element by element; one that does not fit is a DTypeError. */
export function convertArray(site: ErrorSite, values: ArrayLike<number>, dtype: DType, shape: readonly number[]): TypedArray {
  const out = allocate(dtype, values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // The fast test first: the position is only worked out for the message.
    out[i] = dtype !== "int32" || (v | 0) === v ? fitValue(site, v, dtype) : fitValue(site, v, dtype, positionOf(i, shape));
  }
  return out;
}

/**
 * @internal A tensor of plain numbers a user gave to `site.op` (an index list, say): the same conversion as
 * `tensor()`, with errors naming that op and argument.
 */
export function fromNumbers(site: ErrorSite, values: readonly number[], dtype: DType, backend: Backend): Tensor {
  return fromValues(site, convertArray(site, values, dtype, [values.length]), [values.length], dtype, backend);
}

