/**
 * @neurite/tensor-core — tensors, dtypes, broadcasting, the backend contract, memory scopes, the seeded
 * random stream and the op library of Neurite. It has no runtime dependencies and no import side effects.
 */
import "./disposable.js"; // types only: Symbol.dispose and Disposable for projects without esnext.disposable
export { BASE_KERNELS, type Backend, type BackendCapabilities, type BackendMemory, type BaseKernel, type DataId, type FusedActivation, type FusedKernels, type OutputSpec, type TensorInfo } from "./backend.js";
export { allocate, bytesPerElement, castValue, DTYPES, isFloat, matchesDType, type DataTypeMap, type DType, type TypedArray } from "./dtype.js";
export type { MemoryInfo, OpNode, OpRecorder } from "./engine.js";
export { ArgumentError, BackendError, DisposedError, DTypeError, NeuriteError, ScopeError, ShapeError, formatShape, type ErrorSite } from "./errors.js";
export { callSite, userFunction } from "./callsite.js";
export { keep, memory, tensorsIn, tidy, type TidyScope } from "./memory.js";
export { blocksFor, philox4x32, philoxUniform, seedToKey } from "./philox.js";
export {
  argReduceOps,
  binaryOps,
  reduceIdentity,
  reduceOps,
  unaryOps,
  type ArgReduceOp,
  type BinaryOp,
  type ElementwiseInfo,
  type ReduceOp,
  type UnaryOp,
} from "./primitives.js";
export { getBackend, setBackend } from "./registry.js";
export { broadcastShapes, broadcastStrides, collapseAxes, shapesEqual, sizeOf, stridesOf, type Shape, type StridedWalk } from "./shape.js";
export { Tensor, type NestedArray } from "./tensor.js";
export { holdGradients, Variable, variable, withVariableValues } from "./variable.js";
export { noGrad, setRecorder } from "./recording.js";
export {
  constantsOf,
  expand,
  fuse,
  mapOperands,
  operandsOf,
  programKey,
  ProgramBuilder,
  resultProgram,
  runOutputs,
  runProgram,
  type ElementwiseProgram,
  type MultiOutputProgram,
  type Expr,
  type ExprLike,
  type ProgramNode,
  type ProgramOptions,
} from "./program/index.js";
export * from "./ops/index.js";
