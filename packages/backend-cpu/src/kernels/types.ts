import type { DType, TypedArray } from "@neurite/tensor-core";

/**
 * A kernel's view of one input: the `TensorInfo` of the contract with its `DataId` already resolved to the
 * typed array, so kernels are plain functions of arrays and never touch storage bookkeeping.
 */
export interface Input {
  readonly values: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}
