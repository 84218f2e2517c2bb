import {
  BackendError,
  allocate,
  binaryOps,
  broadcastStrides,
  collapseAxes,
  expand,
  sizeOf,
  unaryOps,
  type ArgReduceOp,
  type Backend,
  type BackendCapabilities,
  type BackendMemory,
  type BinaryOp,
  type DataId,
  type DType,
  type FusedKernels,
  type OutputSpec,
  type ReduceOp,
  type TensorInfo,
  type TypedArray,
  type UnaryOp,
  type ElementwiseProgram,
  type MultiOutputProgram,
  resultProgram,
} from "@neurite/tensor-core";
import * as elementwise from "./kernels/elementwise.js";
import * as fusedKernels from "./kernels/fused.js";
import { matmul } from "./kernels/matmul.js";
import * as movement from "./kernels/movement.js";
import { randomUniform } from "./kernels/random.js";
import { argReduce, reduce } from "./kernels/reduce.js";
import type { evaluator } from "./kernels/program.js";
import type { Input } from "./kernels/types.js";
import { Storage } from "./storage.js";
import { Heap } from "./wasm/heap.js";
import { uniformNodes, uniformValues } from "./wasm/uniform.js";
import { WasmPath } from "./wasm/path.js";
import { simdAvailable } from "./wasm/runtime.js";
import { threadSupport } from "./wasm/thread-support.js";

/** The `threads` option as a count: "auto" is one per core. */
function threadCount(option: number | "auto" | undefined): number {
  if (option === undefined) return 1;
  if (option === "auto") {
    const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
    const os = proc?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
    return os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  if (!Number.isInteger(option) || option < 1) {
    throw new BackendError({ op: "cpu", argument: "threads" }, `expected a positive integer or "auto", got ${String(option)}`);
  }
  return option;
}

/** Options of `cpu()`. */
export interface CpuOptions {
  /**
   * Which kernels run. `"auto"` (the default): WebAssembly SIMD where the engine has it (every current
   * browser, Node ≥ 16), plain TypeScript otherwise. `"wasm"` insists (and throws a BackendError without
   * SIMD); `"js"` keeps the TypeScript kernels (no Wasm memory at all).
   */
  readonly kernels?: "auto" | "wasm" | "js";
  /**
   * Threads for large float32 matmuls on the Wasm path: 1 (the default: the calling thread only), a number,
   * or `"auto"` (one per core). Extra threads are Node worker threads over a shared Wasm memory; where they
   * cannot run (browsers in this release, engines without SharedArrayBuffer) the backend uses one thread and
   * `threading` says why.
   */
  readonly threads?: number | "auto";
}

/** The CPU backend: the contract's `Backend`, plus which kernels it runs. */
export interface CpuBackend extends Backend {
  /** `"wasm"` when the hot float32 kernels run in WebAssembly SIMD, `"js"` when everything is TypeScript. */
  readonly kernels: "wasm" | "js";
  /**
   * Threads a large matmul runs on right now: 1 plus the worker threads that have started (they start in
   * the background after `cpu()` returns; until then products run on the calling thread).
   */
  readonly threads: number;
  /** How the backend threads, or why it runs on one thread only. */
  readonly threading: string;
  /**
   * Resolves once the TypeScript program evaluator, which is loaded on demand, has arrived (`setBackend`
   * awaits it): at once on the TypeScript path; on the Wasm path only after a program it cannot compile.
   */
  ready(): Promise<void>;
  /** Stops the worker threads (if any); tensors stay readable. */
  dispose(): void;
  /** The Wasm heap: bytes the memory reserves and bytes in pool blocks in use (both 0 on the JS path). */
  heap(): { readonly reservedBytes: number; readonly usedBytes: number };
}

/** The TypeScript program evaluator (kernels/program.ts) once its chunk has loaded, else null. */
let evaluate: ReturnType<typeof evaluator> | null = null;
let loading: Promise<void> | null = null;

/**
 * Imports the evaluator, shared by every backend of the process, behind a dynamic import: a bundle for a page
 * with WebAssembly then does not carry it. Should the import fail, programs keep running as their primitive
 * kernels (the same values).
 */
function loadEvaluator(): Promise<void> {
  loading ??= import("./kernels/program.js").then(
    (module) => {
      evaluate = module.evaluator({ allocate, binaryOps, broadcastStrides, collapseAxes, sizeOf, unaryOps, uniformNodes, uniformValues });
    },
    () => undefined,
  );
  return loading;
}

const capabilities: BackendCapabilities = { dtypes: ["float32", "int32", "bool", "float64"], syncRead: true };

/**
 * The CPU backend. Each method resolves its inputs' DataIds to typed arrays, runs a kernel (a plain function
 * of arrays, in kernels/), and hands the kernel's fresh output array to storage without copying.
 * Everything is computed synchronously, so `read` only wraps `readSync`.
 */
class Cpu implements CpuBackend {
  readonly name = "cpu";
  readonly capabilities = capabilities;
  readonly fused: FusedKernels;
  readonly kernels: "wasm" | "js";
  readonly threading: string;
  private readonly storage: Storage;
  private readonly heapMemory: Heap | null;
  /** The Wasm kernels, or null on the JavaScript path. */
  private readonly wasm: WasmPath | null;

  constructor(kernels: "wasm" | "js", threads: number, threading: string) {
    this.kernels = kernels;
    this.threading = threading;
    this.heapMemory = kernels === "wasm" ? new Heap(threads > 1) : null;
    this.storage = new Storage("cpu", this.heapMemory);
    this.wasm = this.heapMemory === null ? null : new WasmPath(this.storage, this.heapMemory, threads - 1);
    // Arrow functions bind this instance: the op layer may call fused kernels detached from `fused`.
    this.fused = {
      matmulBiasActivation: (a, b, bias, activation, transposeA, transposeB, out) =>
        this.wasm?.matmulBiasActivation(a, b, bias, activation, transposeA, transposeB, out) ??
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
    if (kernels === "js") void loadEvaluator();
  }

  /**
   * Resolves once the TypeScript program evaluator has loaded (`setBackend` awaits it): on the TypeScript path
   * at once, on the Wasm path, which compiles programs instead, once a program it cannot compile has asked for it.
   */
  ready(): Promise<void> {
    return loading ?? Promise.resolve();
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

  get threads(): number {
    return this.wasm?.threads() ?? 1;
  }

  /** Stops the worker threads; the backend's tensors stay readable. */
  dispose(): void {
    this.wasm?.dispose();
  }

  heap(): { readonly reservedBytes: number; readonly usedBytes: number } {
    return this.heapMemory === null ? { reservedBytes: 0, usedBytes: 0 } : this.heapMemory.stats();
  }

  // --- primitives ---

  fill(value: number, out: OutputSpec): DataId {
    return this.output(elementwise.fill(value, out), out.dtype);
  }

  unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId {
    return this.wasm?.unary(op, x, out) ?? this.output(elementwise.unary(op, this.input(x, op), out), out.dtype);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    return this.wasm?.binary(op, a, b, out) ?? this.output(elementwise.binary(op, this.input(a, op), this.input(b, op), out), out.dtype);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId {
    const op = "where";
    return this.wasm?.where(condition, a, b, out) ?? this.output(elementwise.where(this.input(condition, op), this.input(a, op), this.input(b, op), out), out.dtype);
  }

  /**
   * The optional capability: a whole elementwise program in one pass — one Wasm SIMD loop where it compiles
   * (wasm/program.ts), else block by block in TypeScript (kernels/program.ts). Until the evaluator has
   * loaded (see `ready`), the program runs as its primitive kernels, which give the same bits.
   */
  elementwise(program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec): DataId {
    const op = "elementwise";
    const compiled = this.wasm?.program(program, inputs, out) ?? null;
    if (compiled !== null) return compiled;
    if (evaluate === null) {
      void loadEvaluator();
      return expand(this, program, inputs, out.shape);
    }
    return this.output(
      evaluate(
        program,
        inputs.map((x) => this.input(x, op)),
        out,
      ),
      out.dtype,
    );
  }

  /**
   * The optional capability: a program with several results in one pass — one Wasm loop writing every output
   * where it compiles, else each result as `elementwise` runs it.
   */
  elementwiseMulti(program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]): DataId[] {
    return this.wasm?.programOutputs(program, inputs, outs) ?? program.results.map((_, i) => this.elementwise(resultProgram(program, i), inputs, outs[i]!));
  }

  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], out: OutputSpec): DataId {
    return this.wasm?.reduce(op, x, axes, out) ?? this.output(reduce(op, this.input(x, op), axes, out), out.dtype);
  }

  argReduce(op: ArgReduceOp, x: TensorInfo, axis: number, out: OutputSpec): DataId {
    return this.output(argReduce(op, this.input(x, op), axis, out), out.dtype);
  }

  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId {
    return this.wasm?.matmul(a, b, transposeA, transposeB, out) ?? this.output(matmul(this.input(a, "matmul"), this.input(b, "matmul"), transposeA, transposeB, out), out.dtype);
  }

  cast(x: TensorInfo, out: OutputSpec): DataId {
    return this.output(elementwise.cast(this.input(x, "cast"), out), out.dtype);
  }

  transpose(x: TensorInfo, perm: readonly number[], out: OutputSpec): DataId {
    return this.move("transpose", movement.transposePlan(x.shape, perm, out), [x], out);
  }

  broadcastTo(x: TensorInfo, out: OutputSpec): DataId {
    return this.move("broadcastTo", movement.broadcastPlan(x.shape, out), [x], out);
  }

  slice(x: TensorInfo, begin: readonly number[], step: readonly number[], out: OutputSpec): DataId {
    return this.move("slice", movement.slicePlan(x.shape, begin, step, out), [x], out);
  }

  concat(xs: readonly TensorInfo[], axis: number, out: OutputSpec): DataId {
    return this.move(
      "concat",
      movement.concatPlan(
        xs.map((x) => x.shape),
        axis,
        out,
      ),
      xs,
      out,
    );
  }

  pad(x: TensorInfo, paddings: readonly (readonly [number, number])[], value: number, out: OutputSpec): DataId {
    return this.move("pad", movement.padPlan(x.shape, paddings, value, out), [x], out);
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

  /** A movement kernel's copy plan: in the Wasm heap where it can run there, else on typed arrays. */
  private move(op: string, plan: movement.CopyPlan, inputs: readonly TensorInfo[], out: OutputSpec): DataId {
    return (
      this.wasm?.move(op, plan, inputs, out) ??
      this.output(
        movement.runPlan(
          plan,
          inputs.map((x) => this.input(x, op).values),
          out,
        ),
        out.dtype,
      )
    );
  }

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
 * storage; nothing happens on import. The hot float32 kernels run in WebAssembly SIMD when the engine has it;
 * `cpu({ kernels: "js" })` keeps every kernel in TypeScript.
 *
 * ```ts
 * const backend = cpu();
 * await setBackend(backend);
 * console.log(backend.kernels); // "wasm" in Node and current browsers
 * ```
 */
export function cpu(options: CpuOptions = {}): CpuBackend {
  // Checked at run time too: JavaScript callers pass anything.
  const choice: unknown = options.kernels ?? "auto";
  if (choice !== "auto" && choice !== "wasm" && choice !== "js") {
    throw new BackendError({ op: "cpu", argument: "kernels" }, `expected "auto", "wasm" or "js", got ${JSON.stringify(choice)}`);
  }
  const threads = threadCount(options.threads);
  if (choice === "js") return new Cpu("js", 1, "the TypeScript kernels run on the calling thread");
  const simd = simdAvailable();
  if (choice === "wasm" && !simd) {
    throw new BackendError({ op: "cpu", argument: "kernels" }, "WebAssembly SIMD is not available in this engine; use kernels: \"auto\" or \"js\"");
  }
  if (!simd) return new Cpu("js", 1, "WebAssembly SIMD is unavailable: the TypeScript kernels run on the calling thread");
  if (threads === 1) return new Cpu("wasm", 1, "one thread (the default; ask for more with cpu({ threads }))");
  const support = threadSupport();
  if (!support.available) return new Cpu("wasm", 1, `one thread: ${support.reason}`);
  return new Cpu("wasm", threads, `${threads} threads: ${support.reason}`); // the pool caps its workers
}
