import { ArgumentError, resultProgram } from "@neurite/tensor-core";
import type {
  ArgReduceOp,
  Backend,
  BackendCapabilities,
  BinaryOp,
  DataId,
  DType,
  ElementwiseProgram,
  FusedKernels,
  MultiOutputProgram,
  OutputSpec,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from "@neurite/tensor-core";
import { BufferPool, ELEMENT_BYTES, Storage, type WebGpuMemory } from "./buffers.js";
import { DeviceHealth, type Acquired, type WebGpuOptions } from "./device.js";
import { CommandQueue } from "./encoder.js";
import { BufferUsage } from "./gpu-constants.js";
import type { KernelContext, Output, Resolved } from "./ops/context.js";
import * as elementwise from "./ops/elementwise.js";
import { softmax } from "./ops/fused.js";
import { matmul, matmulBiasActivation } from "./ops/matmul.js";
import { FAULT_GATHER, FAULT_SCATTER_ADD } from "./kernels/movement.wgsl.js";
import * as movement from "./ops/movement.js";
import { randomUniform } from "./ops/random.js";
import { argReduce, reduce } from "./ops/reduce.js";
import { PipelineCache, type KernelSource } from "./pipelines.js";
import { Readback } from "./readback.js";

/** The webgpu backend: a tensor-core `Backend` plus what is specific to running on a GPU device. */
export interface WebGpuBackend extends Backend {
  readonly name: "webgpu";
  /** The device the kernels run on. */
  readonly device: GPUDevice;
  readonly fused: Required<FusedKernels>;
  /** Live tensor buffers and bytes, and the idle buffers the pool keeps. */
  memory(): WebGpuMemory;
  /** Compiled pipelines so far (one per kernel variant: op, dtypes and shape class). */
  readonly compiledPipelines: number;
  /** Submits the pending work and resolves once the GPU has finished everything submitted. */
  sync(): Promise<void>;
  /** Gives every idle pooled buffer back to the device; returns the bytes freed. Live tensors are untouched. */
  trim(): number;
  /** Releases the pools and, when the backend created the device, the device. */
  dispose(): void;
}

/** Idle bytes the tensor pool may keep for reuse before it starts destroying released buffers. */
const MAX_IDLE_BYTES = 256 * 1024 * 1024;
/** Default `memoryBudget`: live plus pooled tensor bytes past which the pool gives idle buffers back. */
const DEFAULT_BUDGET = 1024 * 1024 * 1024;

const capabilities: BackendCapabilities = { dtypes: ["float32", "int32", "bool"], syncRead: false };

/**
 * Each kernel method resolves its inputs to buffers, hands them to a launcher in ops/ (which picks the WGSL
 * variant from kernels/ and packs the uniform words) and returns the output handle at once; the work is
 * recorded in the command queue and runs when the batch is submitted.
 */
export class WebGpuBackendImpl implements WebGpuBackend, KernelContext {
  readonly name = "webgpu";
  readonly capabilities = capabilities;
  readonly fused: Required<FusedKernels>;
  readonly device: GPUDevice;
  /** Held so that Dawn's Node binding keeps the GPU alive as long as this backend (it crashes otherwise). */
  readonly gpu: GPU | null;
  private readonly ownsDevice: boolean;
  private readonly health: DeviceHealth;
  private readonly queue: CommandQueue;
  private readonly pipelines: PipelineCache;
  private readonly pool: BufferPool;
  private readonly storage: Storage;
  private readonly readback: Readback;
  /** One u32 the index-checking kernels set (FAULT_* bits); `read` looks at it when such a kernel ran since. */
  private readonly faultWord: GPUBuffer;
  private faultsToCheck = false;
  /** Storage buffers one kernel may bind (inputs and outputs; the uniform block is not one). */
  private readonly maxStorageBuffers: number;

  constructor(acquired: Acquired, options: WebGpuOptions) {
    const device = acquired.device;
    this.device = device;
    this.gpu = acquired.gpu;
    this.ownsDevice = acquired.ownsDevice;
    this.health = new DeviceHealth(device);
    const limits = device.limits;
    const maxPerDimension = Math.min(options.maxWorkgroupsPerDimension ?? Infinity, limits.maxComputeWorkgroupsPerDimension);
    this.queue = new CommandQueue(device, maxPerDimension);
    this.maxStorageBuffers = Math.min(options.maxStorageBuffersPerShaderStage ?? Infinity, limits.maxStorageBuffersPerShaderStage);
    this.pipelines = new PipelineCache(device);
    const maxBytes = Math.min(limits.maxBufferSize, limits.maxStorageBufferBindingSize);
    this.pool = new BufferPool(device, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, maxBytes, MAX_IDLE_BYTES, (b) => {
      this.queue.retire(b);
    }, "neurite tensor");
    const budget = options.memoryBudget;
    if (budget !== undefined && !(Number.isFinite(budget) && budget > 0)) {
      throw new ArgumentError({ op: "webgpu", argument: "memoryBudget" }, `expected a positive number of bytes, got ${budget}`);
    }
    // Only a budget the user chose refuses tensors: WebGPU does not tell how much memory the device has, so
    // the default is a guess, good for trimming a cache and wrong for turning work away.
    this.storage = new Storage(this.pool, maxBytes, budget ?? null);
    const storage = this.storage;
    this.pool.budget = { bytes: options.memoryBudget ?? DEFAULT_BUDGET, live: () => storage.bytes };
    this.health.onOutOfMemory = () => this.pool.trim();
    this.readback = new Readback(device, this.queue, this.health, limits.maxBufferSize);
    this.faultWord = device.createBuffer({ size: 16, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, label: "neurite faults" });
    // Arrow functions bind this instance: the op layer may call fused kernels detached from `fused`.
    this.fused = {
      matmulBiasActivation: (a, b, bias, activation, transposeA, transposeB, out) => {
        const op = "matmulBiasActivation";
        this.health.check(op);
        const biasInput = bias === null ? null : this.resolve(bias, op);
        return matmulBiasActivation(this, this.resolve(a, op), this.resolve(b, op), biasInput, activation, transposeA, transposeB, out);
      },
      softmax: (x, out) => {
        this.health.check("softmax");
        return softmax(this, this.resolve(x, "softmax"), out);
      },
    };
  }

  get compiledPipelines(): number {
    return this.pipelines.size;
  }

  // --- storage ---

  upload(values: TypedArray, dtype: DType): DataId {
    this.health.check("upload");
    const data = this.storage.create("upload", values.length, dtype);
    if (values.length > 0) {
      // A pooled buffer may still be read by commands not yet submitted; submit them before the write,
      // which the queue then orders after them.
      this.queue.flush();
      const words = dtype === "bool" ? Uint32Array.from(values) : values;
      this.device.queue.writeBuffer(data.buffer!, 0, words.buffer, words.byteOffset, values.length * ELEMENT_BYTES);
    }
    return data;
  }

  async read(data: DataId): Promise<TypedArray> {
    this.health.check("read");
    const handle = this.storage.get(data, "read");
    const faults = this.faultsToCheck ? this.readback.read(this.faultWord, 4, "read") : null;
    this.faultsToCheck = false;
    if (handle.size === 0) {
      if (faults !== null) this.throwOnFault(new Uint32Array(await faults)[0]!);
      return emptyOf(handle.dtype);
    }
    const bytes = await this.readback.read(handle.buffer, handle.size * ELEMENT_BYTES, "read");
    if (faults !== null) this.throwOnFault(new Uint32Array(await faults)[0]!);
    switch (handle.dtype) {
      case "float32":
        return new Float32Array(bytes);
      case "int32":
        return new Int32Array(bytes);
      default:
        return Uint8Array.from(new Uint32Array(bytes));
    }
  }

  disposeData(data: DataId): void {
    this.storage.dispose(data);
  }

  /**
   * The contract's rule for bad indices on a device that runs kernels later: the kernel cannot throw, so the
   * first read after it does, naming the op. The word is cleared so the error is reported once.
   */
  private throwOnFault(word: number): void {
    if (word === 0) return;
    this.device.queue.writeBuffer(this.faultWord, 0, new Uint32Array(4));
    const op = (word & FAULT_GATHER) !== 0 ? "gather" : "scatterAdd";
    const also = word === (FAULT_GATHER | FAULT_SCATTER_ADD) ? " (and a scatterAdd too)" : "";
    throw new ArgumentError(
      { op, argument: "indices" },
      `an index outside [0, size of the axis) reached a ${op} on backend 'webgpu'${also}; the GPU ran it after the call returned, ` +
        "so it is reported at this read, and the values computed from it are unspecified — check the indices (e.g. class labels against the number of classes)",
    );
  }

  faults(): GPUBuffer {
    this.faultsToCheck = true;
    return this.faultWord;
  }

  memory(): WebGpuMemory {
    return this.storage.memory();
  }

  trim(): number {
    return this.pool.trim();
  }

  async sync(): Promise<void> {
    this.health.check("sync");
    this.queue.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  dispose(): void {
    if (this.health.disposed) return;
    if (!this.health.lost) this.queue.destroy();
    this.pool.drain();
    this.readback.drain();
    this.queue.retire(this.faultWord);
    this.queue.flush();
    this.health.disposed = true;
    if (this.ownsDevice) this.device.destroy();
  }

  // --- primitives ---

  fill(value: number, out: OutputSpec): DataId {
    this.health.check("fill");
    return elementwise.fill(this, "fill", value, out);
  }

  unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId {
    this.health.check(op);
    return elementwise.unary(this, op, this.resolve(x, op), out);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    this.health.check(op);
    return elementwise.binary(this, op, this.resolve(a, op), this.resolve(b, op), out);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    const op = "where";
    this.health.check(op);
    return elementwise.where(this, this.resolve(condition, op), this.resolve(a, op), this.resolve(b, op), out);
  }

  /** The optional capability: a whole elementwise program as one WGSL kernel, generated per program and cached. */
  elementwise(program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec): DataId {
    const op = "elementwise";
    this.health.check(op);
    return elementwise.program(
      this,
      program,
      inputs.map((x) => this.resolve(x, op)),
      out,
    );
  }

  /**
   * The optional capability: a program with several results as one WGSL kernel that writes every output.
   * A kernel binds each input and each output as a storage buffer; past the device's limit per shader stage
   * each result runs as a program of its own, which gives the same values.
   */
  elementwiseMulti(program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]): DataId[] {
    const op = "elementwiseMulti";
    this.health.check(op);
    if (inputs.length + outs.length > this.maxStorageBuffers) return program.results.map((_, i) => this.elementwise(resultProgram(program, i), inputs, outs[i]!));
    return elementwise.programOutputs(
      this,
      program,
      inputs.map((x) => this.resolve(x, op)),
      outs,
    );
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], out: OutputSpec): DataId {
    this.health.check(op);
    return reduce(this, op, this.resolve(x, op), axes, out);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, out: OutputSpec): DataId {
    this.health.check(op);
    return argReduce(this, op, this.resolve(x, op), axis, out);
  }

  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId {
    this.health.check("matmul");
    return matmul(this, this.resolve(a, "matmul"), this.resolve(b, "matmul"), transposeA, transposeB, out);
  }

  cast(x: TensorInfo, out: OutputSpec): DataId {
    this.health.check("cast");
    return elementwise.cast(this, this.resolve(x, "cast"), out);
  }

  transpose(x: TensorInfo, perm: readonly number[], out: OutputSpec): DataId {
    this.health.check("transpose");
    return movement.transpose(this, this.resolve(x, "transpose"), perm, out);
  }

  broadcastTo(x: TensorInfo, out: OutputSpec): DataId {
    this.health.check("broadcastTo");
    return movement.broadcastTo(this, this.resolve(x, "broadcastTo"), out);
  }

  slice(x: TensorInfo, begin: readonly number[], step: readonly number[], out: OutputSpec): DataId {
    this.health.check("slice");
    return movement.slice(this, this.resolve(x, "slice"), begin, step, out);
  }

  concat(xs: readonly TensorInfo[], axis: number, out: OutputSpec): DataId {
    this.health.check("concat");
    return movement.concat(
      this,
      xs.map((x) => this.resolve(x, "concat")),
      axis,
      out,
    );
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): DataId {
    this.health.check("pad");
    return movement.pad(this, this.resolve(x, "pad"), paddings, value, out);
  }

  gather(x: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId {
    this.health.check("gather");
    return movement.gather(this, this.resolve(x, "gather"), this.resolve(indices, "gather"), axis, out);
  }

  scatterAdd(updates: TensorInfo, indices: TensorInfo, axis: number, out: OutputSpec): DataId {
    const op = "scatterAdd";
    this.health.check(op);
    return movement.scatterAdd(this, this.resolve(updates, op), this.resolve(indices, op), axis, out);
  }

  randomUniform(key: readonly [number, number], offset: number, out: OutputSpec): DataId {
    this.health.check("randomUniform");
    return randomUniform(this, key, offset, out);
  }

  // --- KernelContext: what the launchers in ops/ use ---

  resolve(info: TensorInfo, op: string): Resolved {
    return { buffer: this.storage.get(info.data, op).buffer, shape: info.shape, dtype: info.dtype };
  }

  allocate(op: string, shape: readonly number[], dtype: DType): Output {
    let size = 1;
    for (const d of shape) size *= d;
    return this.storage.create(op, size, dtype) as Output;
  }

  release(data: Output): void {
    this.storage.dispose(data);
  }

  run(source: KernelSource, inputs: readonly GPUBuffer[], output: GPUBuffer | readonly GPUBuffer[], params: readonly number[], workgroups: number): void {
    this.queue.dispatch(this.pipelines.get(source), [...inputs, ...(Array.isArray(output) ? (output as readonly GPUBuffer[]) : [output as GPUBuffer])], params, workgroups);
  }

  copy(source: GPUBuffer, sourceOffset: number, destination: GPUBuffer, destinationOffset: number, bytes: number): void {
    this.queue.copy(source, sourceOffset, destination, destinationOffset, bytes);
  }
}

function emptyOf(dtype: DType): TypedArray {
  return dtype === "float32" ? new Float32Array(0) : dtype === "int32" ? new Int32Array(0) : new Uint8Array(0);
}
