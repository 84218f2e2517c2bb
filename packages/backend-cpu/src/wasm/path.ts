import {
  allocate,
  broadcastStrides,
  collapseAxes,
  sizeOf,
  stridesOf,
  type BinaryOp,
  type DataId,
  type DType,
  type ElementwiseProgram,
  type FusedActivation,
  type MultiOutputProgram,
  type OutputSpec,
  type ProgramNode,
  type ReduceOp,
  type StridedWalk,
  type TensorInfo,
  type UnaryOp,
} from "@neurite/tensor-core";
import { matmulDims } from "../kernels/matmul.js";
import type { CopyPlan } from "../kernels/movement.js";
import { forEachRow } from "../kernels/strided.js";
import type { Storage } from "../storage.js";
import { WasmCopy } from "./copy.js";
import type { Heap } from "./heap.js";
import { WasmMatmul } from "./matmul.js";
import { WasmPrograms, compiles, primitiveProgram } from "./program.js";
import { WasmReduce, type WasmReduceOp } from "./reduce.js";
import { Kernels } from "./runtime.js";
import { uniformValues } from "./uniform.js";

/**
 * The kernels the backend runs in WebAssembly: float32 matmul (every layout, batched, with the fused bias +
 * activation epilogue), elementwise programs (the primitive unary/binary/where kernels as one-node programs) and
 * float32 reductions. Each method returns the result's DataId, or null when the case is not one it covers
 * (another dtype, an op without a vector form), and the backend then runs its JavaScript kernel — which reads
 * heap tensors through views, so the two mix freely.
 *
 * Every method allocates its output block before asking for its inputs' offsets: moving an input into the
 * heap may grow the memory, and offsets (unlike views) survive that.
 */
export class WasmPath {
  private readonly matmuls: WasmMatmul;
  private readonly programs: WasmPrograms;
  private readonly reductions: WasmReduce;
  private readonly copies: WasmCopy;

  /** @param workers worker threads for large products (0: the calling thread only; needs a shared heap). */
  constructor(
    private readonly storage: Storage,
    private readonly heap: Heap,
    workers = 0,
  ) {
    const kernels = new Kernels(heap);
    this.matmuls = new WasmMatmul(kernels, heap, workers);
    this.programs = new WasmPrograms(kernels);
    this.reductions = new WasmReduce(kernels);
    this.copies = new WasmCopy(kernels);
  }

  /** Threads a large matmul runs on right now (workers start in the background). */
  threads(): number {
    return this.matmuls.threads();
  }

  dispose(): void {
    this.matmuls.dispose();
  }

  /**
   * A movement kernel's copy plan (kernels/movement.ts) run in the heap: the output is a heap block, as every
   * Wasm kernel's is, so the next kernel reads it where it is. float32 and int32 (4-byte words) with walks of up
   * to four axes once collapsed; anything else is left to the TypeScript kernel (null).
   */
  move(op: string, plan: CopyPlan, inputs: readonly TensorInfo[], out: OutputSpec): DataId | null {
    if (out.dtype !== "float32" && out.dtype !== "int32") return null;
    const walks: StridedWalk[] = [];
    for (const c of plan.copies) {
      const walk = WasmCopy.walk(c.shape, c.srcStrides, c.dstStrides);
      if (walk === null) return null;
      walks.push(walk);
    }
    const n = sizeOf(out.shape);
    return this.produceOne(n, out, (dst) => {
      const sources = inputs.map((x) => this.storage.heapOffset(x.data, op));
      if (plan.fill !== null) (out.dtype === "float32" ? new Float32Array(this.heap.buffer, dst, n) : new Int32Array(this.heap.buffer, dst, n)).fill(plan.fill);
      plan.copies.forEach((c, i) => {
        this.copies.copy(sources[c.input]! + 4 * c.srcStart, dst + 4 * c.dstStart, walks[i]!);
      });
    });
  }

  // The primitives are one-node programs: the same compiled loop covers them, broadcasts included.

  unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId | null {
    const program = primitiveProgram("unary", op, [x.dtype]);
    return program === null ? null : this.program(program, [x], out);
  }

  binary(op: BinaryOp, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId | null {
    const program = a.dtype === b.dtype ? primitiveProgram("binary", op, [a.dtype, b.dtype]) : null;
    return program === null ? null : this.program(program, [a, b], out);
  }

  where(condition: TensorInfo, a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId | null {
    const program = a.dtype === b.dtype ? primitiveProgram("where", "where", [condition.dtype, a.dtype, b.dtype]) : null;
    return program === null ? null : this.program(program, [condition, a, b], out);
  }

  /**
   * A whole elementwise program as one SIMD loop (program.ts), or null for a program it does not compile.
   * The broadcast walk is collapsed; its last two axes run inside the loop, any further ones here.
   */
  program(program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec): DataId | null {
    return this.loop(program.key, program, [program.result], inputs, [out])?.[0] ?? null;
  }

  /** A program with several results as one loop writing every output, or null (then one program per result). */
  programOutputs(program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]): DataId[] | null {
    return this.loop(program.key, program, program.results, inputs, outs);
  }

  private loop(key: string, program: { readonly nodes: readonly ProgramNode[]; readonly inputs: readonly DType[] }, results: readonly number[], inputs: readonly TensorInfo[], outs: readonly OutputSpec[]): DataId[] | null {
    const shape = outs[0]!.shape;
    const n = sizeOf(shape);
    const sizes = inputs.map((x) => sizeOf(x.shape));
    const split = this.programs.split(
      key,
      program,
      results,
      sizes.map((size) => size === 1),
    );
    // Nodes that read only constants and one-element inputs: computed once, here (see uniform.ts).
    const hosted = split.uniform.includes(true) ? uniformValues(program, split.uniform, (i) => this.storage.get(inputs[i]!.data, "elementwise")[0]!) : [];
    if (split.loop === null) {
      if (results.length > 1) return null;
      return [this.storage.adopt(allocate(outs[0]!.dtype, n).fill(hosted[results[0]!]!), outs[0]!.dtype)];
    }
    const loop = split.loop;
    if (outs.some((out) => out.dtype !== "float32" && out.dtype !== "bool")) return null;
    if (n === 0) return compiles(loop) ? this.produce(0, outs, () => undefined) : null;
    const constants = split.sources.map((k) => hosted[k]!);
    const k = inputs.length;
    // Same-shape and scalar inputs, the common cases: one flat row, without the strided walk.
    if (sizes.every((size) => size === n || size === 1)) {
      const run = this.programs.get(
        loop,
        sizes.map((size) => (size === n ? 1 : 0)),
        constants,
      );
      if (run === null) return null;
      return this.produce(n, outs, (dst) => {
        const args = inputs.map((x) => this.storage.heapOffset(x.data, "elementwise"));
        for (let i = 0; i < 2 * k; i++) args.push(0);
        args.push(...dst, 1, 1, n, ...constants);
        run(...args);
      });
    }
    const walk = collapseAxes(
      shape,
      inputs.map((x) => broadcastStrides(x.shape, shape)),
    );
    const rank = walk.shape.length;
    const cols = rank === 0 ? 1 : walk.shape[rank - 1]!;
    const rows = rank < 2 ? 1 : walk.shape[rank - 2]!;
    const steps = walk.strides.map((s) => (rank === 0 ? 0 : s[rank - 1]!));
    if (steps.some((s) => s !== 0 && s !== 1)) return null;
    const run = this.programs.get(loop, steps as (0 | 1)[], constants);
    if (run === null) return null;
    return this.produce(n, outs, (dst) => {
      const bytes = inputs.map((x) => (x.dtype === "bool" ? 1 : 4));
      const ptrs = inputs.map((x) => this.storage.heapOffset(x.data, "elementwise"));
      const rowStrides = walk.strides.map((s, i) => (rank < 2 ? 0 : s[rank - 2]! * bytes[i]!));
      const planeStrides = walk.strides.map((s, i) => (rank < 3 ? 0 : s[rank - 3]! * bytes[i]!));
      const planes = rank < 3 ? 1 : walk.shape[rank - 3]!;
      const args = [...ptrs, ...rowStrides, ...planeStrides, ...dst, planes, rows, cols, ...constants];
      if (rank <= 3) {
        run(...args);
        return;
      }
      // Axes beyond the loop's three: one call per outer position.
      const outer = walk.shape.slice(0, -3);
      const coord = outer.map(() => 0);
      const blocks = outs.map((out) => planes * rows * cols * (out.dtype === "bool" ? 1 : 4));
      for (let o = 0, count = sizeOf(outer); o < count; o++) {
        for (let i = 0; i < k; i++) {
          let offset = 0;
          for (let d = 0; d < outer.length; d++) offset += coord[d]! * walk.strides[i]![d]!;
          args[i] = ptrs[i]! + offset * bytes[i]!;
        }
        dst.forEach((start, r) => (args[3 * k + r] = start + o * blocks[r]!));
        run(...args);
        for (let d = outer.length - 1; d >= 0 && ++coord[d]! === outer[d]!; d--) coord[d] = 0;
      }
    });
  }

  /**
   * float32 sum/max/min over the last axes (one row per output element), the leading axes (one column per
   * output element) or middle axes (columns block by block), size-1 axes ignored; other layouts, ops and
   * dtypes: null.
   */
  reduce(op: ReduceOp, x: TensorInfo, axes: readonly number[], out: OutputSpec): DataId | null {
    if (x.dtype !== "float32" || out.dtype !== "float32" || (op !== "sum" && op !== "max" && op !== "min")) return null;
    const n = sizeOf(x.shape);
    if (n === 0) return null;
    // The input as alternating runs of reduced (true) and kept (false) axes.
    const runs: { reduced: boolean; size: number }[] = [];
    x.shape.forEach((size, d) => {
      if (size === 1) return;
      const reduced = axes.includes(d);
      const last = runs.at(-1);
      if (last !== undefined && last.reduced === reduced) last.size *= size;
      else runs.push({ reduced, size });
    });
    const pattern = runs.map((r) => (r.reduced ? "R" : "K")).join("");
    if (pattern !== "R" && pattern !== "KR" && pattern !== "RK" && pattern !== "KRK") return null;
    const wasmOp: WasmReduceOp = op;
    return this.produceOne(sizeOf(out.shape), out, (dst) => {
      const px = this.storage.heapOffset(x.data, op);
      if (pattern === "R" || pattern === "KR") {
        const rows = pattern === "R" ? 1 : runs[0]!.size;
        this.reductions.rows(wasmOp, px, dst, rows, n / rows);
        return;
      }
      // Columns of one block (RK), or of each block in turn (KRK: a pooling window's taps).
      const [blocks, rows, cols] = pattern === "RK" ? [1, runs[0]!.size, runs[1]!.size] : [runs[0]!.size, runs[1]!.size, runs[2]!.size];
      const scratch = op === "sum" ? this.heap.alloc(cols * 8) : 0;
      try {
        this.reductions.columns(wasmOp, px, dst, scratch, blocks, rows, cols);
      } finally {
        if (op === "sum") this.heap.release(scratch, cols * 8);
      }
    });
  }

  matmul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId | null {
    if (a.dtype !== "float32" || b.dtype !== "float32" || out.dtype !== "float32") return null;
    return this.produceOne(sizeOf(out.shape), out, (dst) => {
      this.product(a, b, transposeA, transposeB, out.shape, dst);
    });
  }

  /**
   * activation(a·b + bias) when the bias is one row of n values (a Dense layer's): the product is written
   * once and the epilogue adds the bias and applies the activation in place. Other biases: null.
   */
  matmulBiasActivation(a: TensorInfo, b: TensorInfo, bias: TensorInfo | null, activation: FusedActivation, transposeA: boolean, transposeB: boolean, out: OutputSpec): DataId | null {
    if (a.dtype !== "float32" || b.dtype !== "float32" || out.dtype !== "float32") return null;
    const { m, n, batch } = matmulDims(a.shape, b.shape, transposeA, transposeB);
    const product = [...batch, m, n];
    if (product.length !== out.shape.length || product.some((d, i) => d !== out.shape[i])) return null;
    if (bias !== null && (bias.dtype !== "float32" || bias.shape.at(-1) !== n || sizeOf(bias.shape) !== n)) return null;
    const size = sizeOf(out.shape);
    const op = "matmulBiasActivation";
    return this.produceOne(size, out, (dst) => {
      this.product(a, b, transposeA, transposeB, out.shape, dst);
      if (bias === null && activation === "linear") return;
      const pbias = bias === null ? -1 : this.storage.heapOffset(bias.data, op);
      this.matmuls.epilogue(activation, dst, pbias, n === 0 ? 0 : size / n, n);
    });
  }

  /** Batched product into `dst`: the batch dims broadcast, each matrix runs the packed micro-kernel. */
  private product(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean, shape: readonly number[], dst: number): void {
    const { m, k, n } = matmulDims(a.shape, b.shape, transposeA, transposeB);
    const pa = this.storage.heapOffset(a.data, "matmul");
    const pb = this.storage.heapOffset(b.data, "matmul");
    const batch = shape.slice(0, -2);
    const scale = (strides: number[], size: number): number[] => strides.map((s) => s * size);
    const strides = [scale(broadcastStrides(a.shape.slice(0, -2), batch), m * k), scale(broadcastStrides(b.shape.slice(0, -2), batch), k * n), scale(stridesOf(batch), m * n)];
    const A = { rowStride: (transposeA ? 1 : k) * 4, colStride: (transposeA ? m : 1) * 4 };
    const B = { rowStride: (transposeB ? 1 : n) * 4, colStride: (transposeB ? k : 1) * 4 };
    forEachRow(batch, strides, [0, 0, 0], (pos, step, length) => {
      for (let t = 0; t < length; t++) {
        this.matmuls.product({ offset: pa + 4 * (pos[0]! + t * step[0]!), ...A }, { offset: pb + 4 * (pos[1]! + t * step[1]!), ...B }, dst + 4 * (pos[2]! + t * step[2]!), m, k, n);
      }
    });
  }

  /** A heap output of `n` elements written by `write`; the block is freed if `write` throws. */
  private produceOne(n: number, out: OutputSpec, write: (dst: number) => void): DataId {
    return this.produce(n, [out], (dst) => {
      write(dst[0]!);
    })[0]!;
  }

  /** Heap outputs of `n` elements each, written by `write` (at their byte offsets); all freed if `write` throws. */
  private produce(n: number, outs: readonly OutputSpec[], write: (dst: number[]) => void): DataId[] {
    const ids: DataId[] = [];
    try {
      for (const out of outs) ids.push(this.storage.allocHeap(n, out.dtype));
      if (n > 0) write(ids.map((id) => this.storage.heapOffset(id, "output")));
    } catch (error) {
      for (const id of ids) this.storage.dispose(id);
      throw error;
    }
    return ids;
  }
}
