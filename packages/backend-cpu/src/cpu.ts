import type {
  ArgReduceOp,
  Backend,
  BackendCapabilities,
  BackendMemory,
  BinaryOp,
  DataId,
  DType,
  ElementwiseProgram,
  FusedKernels,
  OutputSpec,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from "@neurite/tensor-core";
import * as elementwise from "./kernels/elementwise.js";
import * as fusedKernels from "./kernels/fused.js";
import { matmul } from "./kernels/matmul.js";
import { evaluateProgram } from "./kernels/program.js";
import * as movement from "./kernels/movement.js";
import { randomUniform } from "./kernels/random.js";
import { argReduce, reduce } from "./kernels/reduce.js";
import type { Input } from "./kernels/types.js";
import { Storage } from "./storage.js";

/**
 * Options of `cpu()`. None yet: the parameter exists so that adding one (a thread pool, say) is not a
 * breaking change.
 */
export type CpuOptions = Record<string, never>;

const capabilities: BackendCapabilities = { dtypes: ["float32", "int32", "bool", "float64"], syncRead: true };

/**
 * The CPU backend. Each method resolves its inputs' DataIds to typed arrays, runs a kernel (a plain function
 * of arrays, in kernels/), and hands the kernel's fresh output array to storage without copying.
 * Everything is computed synchronously, so `read` only wraps `readSync`.
 */
class CpuBackend implements Backend {
  readonly name = "cpu";
  readonly capabilities = capabilities;
  readonly fused: FusedKernels;
  private readonly storage = new Storage("cpu");

  constructor() {
    // Arrow functions bind this instance: the op layer may call fused kernels detached from `fused`.
    this.fused = {
      matmulBiasActivation: (a, b, bias, activation, transposeA, transposeB, out) =>
        this.output(
          fusedKernels.matmulBiasActivation(
            this.input(a, "matmulBiasActivation"),
            this.input(b, "matmulBiasActivation"),
            bias === null ? null : this.input(bias, "matmulBiasActivation"),
            activation,
            transposeA,
            transposeB,
            out,
          ),
          out.dtype,
        ),
      softmax: (x, out) => this.output(fusedKernels.softmax(this.input(x, "softmax"), out), out.dtype),
    };
  }

  // --- storage ---

  upload(values: TypedArray, dtype: DType): DataId {
    return this.storage.upload(values, dtype);
  }

  read(data: DataId): Promise<TypedArray> {
    // Inside the executor a throw (disposed data) becomes a rejection, which is what async callers handle.
    return new Promise((resolve) => {
      resolve(this.storage.copy(data, "read"));
    });
  }

  readSync(data: DataId): TypedArray {
    return this.storage.copy(data, "readSync");
  }

  disposeData(data: DataId): void {
    this.storage.dispose(data);
  }

  memory(): BackendMemory {
    return this.storage.memory();
  }

  // --- primitives ---

  fill(value: number, out: OutputSpec): DataId {
    return this.output(elementwise.fill(value, out), out.dtype);
  }

  unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId {
    return this.output(elementwise.unary(op, this.input(x, op), out), out.dtype);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    return this.output(elementwise.binary(op, this.input(a, op), this.input(b, op), out), out.dtype);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    const op = "where";
    return this.output(elementwise.where(this.input(condition, op), this.input(a, op), this.input(b, op), out), out.dtype);
  }

  /** The optional capability: a whole elementwise program in one pass, block by block (kernels/program.ts). */
  elementwise(program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec): DataId {
    const op = "elementwise";
    return this.output(
      evaluateProgram(
        program,
        inputs.map((x) => this.input(x, op)),
        out,
      ),
      out.dtype,
    );
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], out: OutputSpec): DataId {
    return this.output(reduce(op, this.input(x, op), axes, out), out.dtype);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, out: OutputSpec): DataId {
    return this.output(argReduce(op, this.input(x, op), axis, out), out.dtype);
  }

  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId {
    return this.output(matmul(this.input(a, "matmul"), this.input(b, "matmul"), transposeA, transposeB, out), out.dtype);
  }

  cast(x: TensorInfo, out: OutputSpec): DataId {
    return this.output(elementwise.cast(this.input(x, "cast"), out), out.dtype);
  }

  transpose(x: TensorInfo, perm: readonly number[], out: OutputSpec): DataId {
    return this.output(movement.transpose(this.input(x, "transpose"), perm, out), out.dtype);
  }

  broadcastTo(x: TensorInfo, out: OutputSpec): DataId {
    return this.output(movement.broadcastTo(this.input(x, "broadcastTo"), out), out.dtype);
  }

  slice(x: TensorInfo, begin: readonly number[], step: readonly number[], out: OutputSpec): DataId {
    return this.output(movement.slice(this.input(x, "slice"), begin, step, out), out.dtype);
  }

  concat(xs: readonly TensorInfo[], axis: number, out: OutputSpec): DataId {
    return this.output(
      movement.concat(
        xs.map((x) => this.input(x, "concat")),
        axis,
        out,
      ),
      out.dtype,
    );
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): DataId {
    return this.output(movement.pad(this.input(x, "pad"), paddings, value, out), out.dtype);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId {
    return this.output(movement.gather(this.input(x, "gather"), this.input(indices, "gather"), axis, out), out.dtype);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId {
    const op = "scatterAdd";
    return this.output(movement.scatterAdd(this.input(updates, op), this.input(indices, op), axis, out), out.dtype);
  }

  randomUniform(key: readonly [number, number], offset: number, out: OutputSpec): DataId {
    return this.output(randomUniform(key, offset, out), out.dtype);
  }

  // --- plumbing ---

  /** Resolves a TensorInfo to the live array; a disposed or foreign DataId throws a BackendError. */
  private input(info: TensorInfo, op: string): Input {
    return { values: this.storage.get(info.data, op), shape: info.shape, dtype: info.dtype };
  }

  private output(values: TypedArray, dtype: DType): DataId {
    return this.storage.adopt(values, dtype);
  }
}

/**
 * Creates a CPU backend: `await setBackend(cpu())`. Each call returns an independent instance with its own
 * storage; nothing happens on import.
 */
export function cpu(_options?: CpuOptions): Backend {
  return new CpuBackend();
}
