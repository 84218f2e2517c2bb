import type { DType, TypedArray } from "./dtype.js";
import type { BinaryOp, ReduceOp, UnaryOp, ArgReduceOp } from "./primitives.js";
import type { ElementwiseProgram, MultiOutputProgram } from "./program/ir.js";

/**
 * # The backend contract
 *
 * A backend stores tensor data and runs **16 kernel methods covering 49 primitive operations**
 * (fill, unary for 16 ops, binary for 15, where, reduce for 4, argReduce for 2, matmul, cast, transpose,
 * broadcastTo, slice, concat, pad, gather, scatterAdd, randomUniform), plus 4 storage methods (upload, read,
 * disposeData, memory) and two optional ones (readSync, ready). Every op in Neurite — activations, softmax, losses,
 * convolution, pooling — is composed from these in tensor-core, and every gradient is composed from tensor-core
 * ops, so a backend that implements this interface trains networks without writing a backward pass.
 *
 * Two optional capabilities make it faster without making it bigger: `elementwise` runs a whole elementwise
 * program (see `ElementwiseProgram`) as one kernel, and `fused` offers matmul+bias+activation and softmax.
 * The op layer uses them when present and the 16 kernels when not.
 *
 * Rules every kernel can rely on, because the op layer checks them before calling:
 * - inputs are live, contiguous, row-major, and of a dtype listed in `capabilities.dtypes`;
 * - shapes are already validated and `out` gives the result's shape and dtype;
 * - axes are non-negative and in range; binary inputs broadcast NumPy-style to `out.shape`.
 *
 * A kernel returns a new `DataId` at once. It may compute synchronously (CPU) or enqueue work and compute
 * later (GPU); `read` resolves once the values are ready. The op layer counts references, so `reshape` shares
 * a `DataId` and `disposeData` is called exactly once, when the last tensor using it is gone.
 */
export interface Backend {
  /** Short name used in messages and in `memory()`: `"cpu"`, `"webgpu"`. */
  readonly name: string;
  readonly capabilities: BackendCapabilities;

  // --- storage ---
  /** Copies `values` (already of `dtype`'s typed array) into backend storage. */
  upload(values: TypedArray, dtype: DType): DataId;
  /** Resolves to a fresh copy of the values, which the caller owns. */
  read(data: DataId): Promise<TypedArray>;
  /** Present when `capabilities.syncRead` is true: the values at once, as a fresh copy. */
  readSync?(data: DataId): TypedArray;
  /** Frees the storage. Called once per `DataId`, by the op layer. */
  disposeData(data: DataId): void;
  /** Storage the backend holds right now. */
  memory(): BackendMemory;
  /**
   * Optional: resolves once code the backend imports on demand has loaded (backend-cpu's TypeScript program
   * evaluator, which a page with WebAssembly never fetches). `setBackend` awaits it, so the backend it makes
   * current runs at full speed from the first op.
   */
  ready?(): Promise<void>;

  // --- primitives ---
  /** A tensor of `out.shape` with every element `value`. */
  fill(value: number, out: OutputSpec): DataId;
  /** Elementwise `op` (see `unaryOps` for each op's exact meaning and dtypes). */
  unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId;
  /** Elementwise `op` with broadcasting; comparisons and logical ops give `bool`. */
  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId;
  /** `condition ? a : b` elementwise with broadcasting; `condition` is bool. */
  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId;
  /** Reduces the listed axes (sorted, unique); `out.shape` is `x.shape` without them. */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], out: OutputSpec): DataId;
  /** Index (int32) of the first max/min along one axis; `out.shape` is `x.shape` without it. */
  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, out: OutputSpec): DataId;
  /**
   * Batched matrix product of float32, float64 or int32 operands. `a` is `[...batchA, m, k]` (or `[..., k, m]` when `transposeA`), `b` is
   * `[...batchB, k, n]` (or `[..., n, k]`); both have rank ≥ 2 and batch dims broadcast to `out.shape`.
   */
  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId;
  /**
   * Converts to `out.dtype`: floats to int32 truncate toward zero (NaN gives 0; values outside the int32 range
   * are implementation-defined, and the conformance kit does not test them), anything non-zero to bool is true.
   */
  cast(x: TensorInfo, out: OutputSpec): DataId;
  /** Permutes axes: `out.shape[i] = x.shape[perm[i]]`. */
  transpose(x: TensorInfo, perm: readonly number[], out: OutputSpec): DataId;
  /** Repeats size-1 (or missing leading) dimensions of `x` to `out.shape`. */
  broadcastTo(x: TensorInfo, out: OutputSpec): DataId;
  /** Strided slice: along axis i take `begin[i] + j * step[i]` for `j < out.shape[i]`; steps are ≥ 1. */
  slice(x: TensorInfo, begin: readonly number[], step: readonly number[], out: OutputSpec): DataId;
  /** Joins tensors of equal rank along `axis`; other dimensions match. */
  concat(xs: readonly TensorInfo[], axis: number, out: OutputSpec): DataId;
  /** Pads with `value`: `paddings[i] = [before, after]`, non-negative. */
  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): DataId;
  /**
   * Takes slices of `x` along `axis` at `indices` (1-D int32):
   * `out.shape = x.shape[:axis] ++ [indices.length] ++ x.shape[axis+1:]`. See "Bad indices" below.
   */
  gather(x: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId;
  /**
   * The adjoint of `gather`: zeros of `out.shape`, then `out[..., indices[j], ...] += updates[..., j, ...]`.
   *
   * **Bad indices (gather and scatterAdd).** An index outside `[0, size of the axis)` is an error, never a
   * silent 0 or a dropped update: the backend throws an `ArgumentError` with op `"gather"` / `"scatterAdd"`
   * and argument `"indices"` — from the kernel call when it can check at once (backend-cpu), otherwise (a GPU,
   * whose kernels run after the call returns) from the next `read`, once, after which it works normally. The
   * values of the refused result are unspecified. The conformance kit's `error/indices/` cases check this.
   */
  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId;
  /**
   * Uniform values in [0, 1) from the Philox4x32-10 stream (see `philox.ts` for the exact definition):
   * element i is `(word >>> 8) * 2⁻²⁴` where `word` is lane `i % 4` of `philox4x32(key, counter(offset + ⌊i/4⌋))`.
   * Every backend produces the same values bit for bit.
   */
  randomUniform(key: readonly [number, number], offset: number, out: OutputSpec): DataId; // out.dtype is a float dtype

  /**
   * Optional: runs an elementwise program (a fused chain of unary, binary, where and cast nodes over the
   * inputs and scalar constants) as one kernel. `inputs[i]` is the program's input `i`; inputs broadcast to
   * `out.shape`; `out.dtype` is the dtype of the program's result node. Each node must give the bits its
   * primitive gives (rounded to its dtype), so a fused chain equals the chain of kernels it replaces. Without
   * it, the engine runs the program as those kernels.
   */
  elementwise?(program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec): DataId;
  /**
   * Optional: runs a program with several results (`MultiOutputProgram`) as one kernel, returning one new
   * storage per result in order; `outs[i]` is result i's shape and dtype. Each must equal what `elementwise`
   * gives for that result alone. Without it, the engine runs one program per result.
   */
  elementwiseMulti?(program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]): DataId[];
  /** Optional fused kernels; the op layer uses one when present and its composition when not. */
  readonly fused?: FusedKernels;
  /** Releases everything the backend holds (device, pools). */
  dispose?(): void;
}

/**
 * The 16 kernel methods of the base backend contract, in the order `Backend` declares them: what every
 * backend must compute (the storage methods move data; `elementwise` and `fused` are optional). The
 * registry refuses a backend that lacks one, and the conformance kit wraps and reports them by these names.
 *
 * ```ts
 * const backend = cpu();
 * console.log(BASE_KERNELS.every((name) => typeof backend[name] === "function")); // true
 * ```
 */
export const BASE_KERNELS = [
  "fill",
  "unary",
  "binary",
  "where",
  "reduce",
  "argReduce",
  "matmul",
  "cast",
  "transpose",
  "broadcastTo",
  "slice",
  "concat",
  "pad",
  "gather",
  "scatterAdd",
  "randomUniform",
] as const satisfies readonly (keyof Backend)[];

/** The name of a kernel method of the base contract (an entry of `BASE_KERNELS`). */
export type BaseKernel = (typeof BASE_KERNELS)[number];

/** What a backend can do. */
export interface BackendCapabilities {
  /** Dtypes the backend stores and computes in. Must include float32, int32 and bool. */
  readonly dtypes: readonly DType[];
  /** Whether `readSync` exists (so `dataSync()` works). */
  readonly syncRead: boolean;
}

/** Kernels a backend may provide to run a composite op in one pass. */
export interface FusedKernels {
  /** `activation(a @ b + bias)`; `bias` broadcasts against the product. */
  matmulBiasActivation?(
    a: TensorInfo,
    b: TensorInfo,
    bias: TensorInfo | null,
    activation: FusedActivation,
    transposeA: boolean,
    transposeB: boolean,
    out: OutputSpec,
  ): DataId;
  /** Numerically stable softmax along the last axis. */
  softmax?(x: TensorInfo, out: OutputSpec): DataId;
}

/** The activation a fused `matmulBiasActivation` kernel applies after the product and bias. */
export type FusedActivation = "linear" | "relu" | "sigmoid" | "tanh";

/** An opaque handle to data a backend owns. */
export type DataId = object;

/** What a kernel knows about an input: its storage, shape and dtype. */
export interface TensorInfo {
  readonly data: DataId;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** The shape and dtype a kernel must produce. */
export interface OutputSpec {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What a backend holds right now: its live storage allocations and their bytes (see `memory()`). */
export interface BackendMemory {
  /** Live storage allocations (typed arrays, GPU buffers). */
  readonly buffers: number;
  /**
   * Bytes those allocations hold: exact data sizes on the CPU; a GPU backend may report its buffers' sizes,
   * rounded up to its allocation classes.
   */
  readonly bytes: number;
}
