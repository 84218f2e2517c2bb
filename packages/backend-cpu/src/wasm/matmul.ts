import { BackendError } from "@neurite/tensor-core";
import { OP, SIMD, type FunctionBuilder, type ModuleBuilder } from "./emitter.js";
import { emitActivation, type VectorActivation } from "./math.js";
import type { Heap } from "./heap.js";
import type { Kernels } from "./runtime.js";
import { nodeWorker } from "./thread-support.js";
import type { ThreadPool } from "./threads.js";

/**
 * float32 matrix products in WebAssembly SIMD, the GotoBLAS way: C is computed in blocks of KC × NC of B
 * and MC × KC of A, each packed into panels that the micro-kernel reads strictly sequentially:
 *
 * - packed B: for each group of NR = 8 columns, the KC rows of those 8 values (one 32-byte line per step);
 * - packed A: for each group of MR rows, the KC columns of those MR values.
 *
 * The micro-kernel keeps an MR × 8 tile of C in MR·2 f32x4 registers and, per step of k, loads two vectors of
 * B, broadcasts MR values of A and does MR·2 multiply-adds: the arithmetic runs out of registers, and memory
 * traffic is a stream. Because packing reads A and B through (row, column) strides, every transpose layout
 * packs into the same panels: A·Bᵀ and Aᵀ·B run the same micro-kernel as A·B, at the same speed; only the
 * O(n²) packing differs.
 *
 * Sums accumulate in float32 (as the JS i-k-j loop and GPU backends do), in k order within each KC block.
 */

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 120;
const NC = 1024;
/** Bytes of scratch a thread's partial tiles go through. */
export const TILE_BYTES = MR * NR * 4;
/** The calling thread's tile scratch: in the heap's scratch area (workers get blocks of their own). */
const MAIN_TILE = 16;
/** Bytes of one thread's packed-A buffer. */
export const PACK_A_BYTES = (MC + MR) * KC * 4;

function emitPackA(m: ModuleBuilder): void {
  // packA(src, rowStride, colStride, rows, depth, dst): panels of MR rows, zero-padded.
  m.fn("packA", ["i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [src, rs, cs, rows, depth, dst] = [0, 1, 2, 3, 4, 5];
    const i0 = f.local("i32");
    const p = f.local("i32");
    const ptr = f.local("i32");
    f.i32(0).set(i0);
    f.forLoop(i0, rows, MR, () => {
      f.get(src).get(i0).get(rs).op(OP.i32Mul).op(OP.i32Add).set(ptr);
      f.i32(0).set(p);
      f.forLoop(p, depth, 1, () => {
        for (let r = 0; r < MR; r++) {
          f.get(dst);
          f.get(i0).i32(r).op(OP.i32Add).get(rows).op(OP.i32LtS);
          f.op(OP.if, 0x7d);
          f.get(ptr).i32(r).get(rs).op(OP.i32Mul).op(OP.i32Add).mem(OP.f32Load, 2);
          f.op(OP.else).f32(0).op(OP.end);
          f.mem(OP.f32Store, 2, r * 4);
        }
        f.get(dst).i32(MR * 4).op(OP.i32Add).set(dst);
        f.get(ptr).get(cs).op(OP.i32Add).set(ptr);
      });
    });
  });
}

function emitPackB(m: ModuleBuilder): void {
  // packB(src, rowStride, colStride, depth, cols, dst): panels of NR columns, zero-padded. Contiguous rows
  // (colStride 4) of a full panel move as two vectors.
  m.fn("packB", ["i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [src, rs, cs, depth, cols, dst] = [0, 1, 2, 3, 4, 5];
    const j0 = f.local("i32");
    const p = f.local("i32");
    const ptr = f.local("i32");
    f.i32(0).set(j0);
    f.forLoop(j0, cols, NR, () => {
      f.get(src).get(j0).get(cs).op(OP.i32Mul).op(OP.i32Add).set(ptr);
      f.i32(0).set(p);
      f.get(cs).i32(4).op(OP.i32Eq).get(j0).i32(NR).op(OP.i32Add).get(cols).op(OP.i32LeS).op(OP.i32And);
      f.op(OP.if, 0x40);
      f.forLoop(p, depth, 1, () => {
        f.get(dst).get(ptr).v128Load().v128Store();
        f.get(dst).get(ptr).v128Load(16).v128Store(16);
        f.get(dst).i32(NR * 4).op(OP.i32Add).set(dst);
        f.get(ptr).get(rs).op(OP.i32Add).set(ptr);
      });
      f.op(OP.else);
      f.forLoop(p, depth, 1, () => {
        for (let c = 0; c < NR; c++) {
          f.get(dst);
          f.get(j0).i32(c).op(OP.i32Add).get(cols).op(OP.i32LtS);
          f.op(OP.if, 0x7d);
          f.get(ptr).i32(c).get(cs).op(OP.i32Mul).op(OP.i32Add).mem(OP.f32Load, 2);
          f.op(OP.else).f32(0).op(OP.end);
          f.mem(OP.f32Store, 2, c * 4);
        }
        f.get(dst).i32(NR * 4).op(OP.i32Add).set(dst);
        f.get(ptr).get(rs).op(OP.i32Add).set(ptr);
      });
      f.op(OP.end);
    });
  });
}

function emitMacro(m: ModuleBuilder): void {
  // macro(pa, pb, c, ldc, rows, cols, depth, accumulate, tile): C[rows, cols] (+)= packedA · packedB, with
  // partial tiles going through the scratch at `tile` (one per thread).
  m.fn("macro", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [pa, pb, c, ldc, rows, cols, depth, accumulate, tile] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
    const jr = f.local("i32");
    const ir = f.local("i32");
    const ap = f.local("i32");
    const bp = f.local("i32");
    const p = f.local("i32");
    const cp = f.local("i32");
    const r = f.local("i32");
    const j = f.local("i32");
    const rEnd = f.local("i32");
    const jEnd = f.local("i32");
    const b0 = f.local("v128");
    const b1 = f.local("v128");
    const a = f.local("v128");
    const acc: number[] = [];
    for (let t = 0; t < MR * 2; t++) acc.push(f.local("v128"));
    const zero = () => f.simd(SIMD.v128_const).op(...new Array<number>(16).fill(0));
    f.i32(0).set(jr);
    f.forLoop(jr, cols, NR, () => {
      f.i32(0).set(ir);
      f.forLoop(ir, rows, MR, () => {
        for (const t of acc) zero().set(t);
        f.get(pa).get(ir).get(depth).op(OP.i32Mul).i32(2).op(OP.i32Shl).op(OP.i32Add).set(ap);
        f.get(pb).get(jr).get(depth).op(OP.i32Mul).i32(2).op(OP.i32Shl).op(OP.i32Add).set(bp);
        f.i32(0).set(p);
        f.forLoop(p, depth, 1, () => {
          f.get(bp).v128Load().set(b0);
          f.get(bp).v128Load(16).set(b1);
          for (let row = 0; row < MR; row++) {
            f.get(ap).simdMem(SIMD.v128_load32_splat, 2, row * 4).set(a);
            f.get(acc[2 * row]!).get(a).get(b0).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).set(acc[2 * row]!);
            f.get(acc[2 * row + 1]!).get(a).get(b1).simd(SIMD.f32x4_mul).simd(SIMD.f32x4_add).set(acc[2 * row + 1]!);
          }
          f.get(ap).i32(MR * 4).op(OP.i32Add).set(ap);
          f.get(bp).i32(NR * 4).op(OP.i32Add).set(bp);
        });
        f.get(c).get(ir).get(ldc).op(OP.i32Mul).op(OP.i32Add).get(jr).i32(2).op(OP.i32Shl).op(OP.i32Add).set(cp);
        // Full tile: straight into C. Partial tile: through scratch, element by element.
        f.get(ir).i32(MR).op(OP.i32Add).get(rows).op(OP.i32LeS).get(jr).i32(NR).op(OP.i32Add).get(cols).op(OP.i32LeS).op(OP.i32And);
        f.op(OP.if, 0x40);
        for (let row = 0; row < MR; row++) {
          for (let h = 0; h < 2; h++) {
            const addr = () => f.get(cp).i32(row).get(ldc).op(OP.i32Mul).op(OP.i32Add);
            addr();
            f.get(acc[2 * row + h]!);
            f.get(accumulate).op(OP.if, 0x7b);
            addr();
            f.v128Load(16 * h);
            f.op(OP.else);
            zero();
            f.op(OP.end).simd(SIMD.f32x4_add);
            f.v128Store(16 * h);
          }
        }
        f.op(OP.else);
        for (let row = 0; row < MR; row++) {
          for (let h = 0; h < 2; h++) f.get(tile).get(acc[2 * row + h]!).v128Store((row * NR + 4 * h) * 4);
        }
        f.get(rows).get(ir).op(OP.i32Sub).set(rEnd);
        f.get(rEnd).i32(MR).op(OP.i32GtS).op(OP.if, 0x40).i32(MR).set(rEnd).op(OP.end);
        f.get(cols).get(jr).op(OP.i32Sub).set(jEnd);
        f.get(jEnd).i32(NR).op(OP.i32GtS).op(OP.if, 0x40).i32(NR).set(jEnd).op(OP.end);
        f.i32(0).set(r);
        f.forLoop(r, rEnd, 1, () => {
          f.i32(0).set(j);
          f.forLoop(j, jEnd, 1, () => {
            const addr = () => f.get(cp).get(r).get(ldc).op(OP.i32Mul).op(OP.i32Add).get(j).i32(2).op(OP.i32Shl).op(OP.i32Add);
            addr();
            f.get(tile).get(r).i32(NR).op(OP.i32Mul).get(j).op(OP.i32Add).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load, 2);
            f.get(accumulate).op(OP.if, 0x7d);
            addr();
            f.mem(OP.f32Load, 2);
            f.op(OP.else).f32(0).op(OP.end).op(OP.f32Add);
            f.mem(OP.f32Store, 2);
          });
        });
        f.op(OP.end);
      });
    });
  });
}

/**
 * rows(a, rowStride, colStride, packA, packB, c, ldc, m, kc, nc, accumulate, tile, first, stride, height):
 * the row blocks first, first + stride, … (each `height` ≤ MC rows) of one (KC × NC) step: pack A's block,
 * run the macro-kernel. Threads run it side by side on the same packed B, each with its own packA buffer
 * and tile, `first` its index; `height` splits the rows into as many equal blocks as keep them all busy.
 */
function emitRows(m: ModuleBuilder): void {
  m.fn("rows", new Array<"i32">(15).fill("i32"), [], (f) => {
    const [a, rs, cs, pa, pb, c, ldc, rows, kc, nc, accumulate, tile, first, stride, height] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
    const ic = f.local("i32");
    const mc = f.local("i32");
    f.get(first).get(height).op(OP.i32Mul).set(ic);
    f.forLoop(ic, rows, 0, () => {
      f.get(rows).get(ic).op(OP.i32Sub).set(mc);
      f.get(mc).get(height).op(OP.i32GtS).op(OP.if, 0x40).get(height).set(mc).op(OP.end);
      f.get(a).get(ic).get(rs).op(OP.i32Mul).op(OP.i32Add).get(rs).get(cs).get(mc).get(kc).get(pa).call(0);
      f.get(pa).get(pb).get(c).get(ic).get(ldc).op(OP.i32Mul).op(OP.i32Add).get(ldc).get(mc).get(nc).get(kc).get(accumulate).get(tile).call(2);
      f.get(ic).get(stride).get(height).op(OP.i32Mul).op(OP.i32Add).set(ic);
    });
  });
}

/**
 * The block height that splits `m` rows evenly over `threads` (each thread takes every threads-th block):
 * the fewest equal blocks of at most MC rows, a multiple of the threads' count, rounded up to whole micro-
 * tiles. 1024 rows on 2 threads are 10 blocks of 104 (520 and 504 rows each), where blocks of MC = 120 gave
 * one thread 544 rows and the other 480.
 */
export function blockHeight(m: number, threads: number): number {
  if (threads <= 1) return MC;
  const blocks = threads * Math.ceil(m / (threads * MC));
  return Math.ceil(m / blocks / MR) * MR;
}

/** The matmul module: packA 0, packB 1, macro 2, rows 3 (the order fixes the indices `rows` calls). */
function build(m: ModuleBuilder): void {
  emitPackA(m);
  emitPackB(m);
  emitMacro(m);
  emitRows(m);
}

/** epilogue(c, bias, rows, cols, hasBias): C = act(C + bias) in place, bias a row of `cols` values. */
function emitEpilogue(m: ModuleBuilder, activation: VectorActivation): void {
  m.fn("epilogue", ["i32", "i32", "i32", "i32", "i32"], [], (f: FunctionBuilder) => {
    const [c, bias, rows, cols, hasBias] = [0, 1, 2, 3, 4];
    const r = f.local("i32");
    const j = f.local("i32");
    const full = f.local("i32");
    const ptr = f.local("i32");
    const x = f.local("v128");
    const t = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")] as const;
    const value = (addr: () => void) => {
      addr();
      f.v128Load().set(x);
      f.get(hasBias).op(OP.if, 0x40);
      f.get(x).get(bias).get(j).i32(2).op(OP.i32Shl).op(OP.i32Add).v128Load().simd(SIMD.f32x4_add).set(x);
      f.op(OP.end);
      emitActivation(f, activation, x, t);
      f.set(x);
    };
    f.get(cols).i32(-4).op(OP.i32And).set(full);
    f.get(c).set(ptr);
    f.i32(0).set(r);
    f.forLoop(r, rows, 1, () => {
      f.i32(0).set(j);
      f.forLoop(j, full, 4, () => {
        const addr = () => f.get(ptr).get(j).i32(2).op(OP.i32Shl).op(OP.i32Add);
        value(addr);
        addr();
        f.get(x).v128Store();
      });
      // The last 1–3 columns: compute a whole vector, store only the lanes that belong to this row.
      f.get(full).get(cols).op(OP.i32LtS).op(OP.if, 0x40);
      const addr = () => f.get(ptr).get(full).i32(2).op(OP.i32Shl).op(OP.i32Add);
      f.get(full).set(j);
      value(addr);
      for (let lane = 0; lane < 3; lane++) {
        f.get(full).i32(lane).op(OP.i32Add).get(cols).op(OP.i32LtS).op(OP.if, 0x40);
        addr();
        f.get(x).lane(SIMD.f32x4_extract_lane, lane).mem(OP.f32Store, 2, lane * 4);
        f.op(OP.end);
      }
      f.op(OP.end);
      f.get(ptr).get(cols).i32(2).op(OP.i32Shl).op(OP.i32Add).set(ptr);
    });
  });
}

/** Where one operand lives: its heap byte offset, and the byte strides of its (row, column) elements. */
export interface Operand {
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
}

/** Products at least this big (m·k·n) are split across worker threads; smaller ones are not worth waking them. */
const THREADED_WORK = 1 << 21;

/** The matmul kernels of one heap, with their packing buffers (allocated once) and worker threads if any. */
export class WasmMatmul {
  private packA = -1;
  private packB = -1;
  private pool: ThreadPool | null = null;
  /** Why the thread pool could not be loaded or started, if it could not. */
  private poolError: unknown = null;
  private disposed = false;
  private readonly epilogues: Partial<Record<VectorActivation, (...args: number[]) => unknown>> = {};

  /** @param workers worker threads to start besides the calling one (the heap must then be shared). */
  constructor(
    private readonly kernels: Kernels,
    private readonly heap: Heap,
    workers = 0,
  ) {
    if (workers > 0) {
      // The pool's code is loaded only here, so a bundle that never asks for threads leaves it out (a
      // bundler splits it into its own chunk). Workers start in the background anyway: until the pool
      // exists and they say ready, products run on the calling thread.
      void import("./threads.js")
        .then(({ ThreadPool }) => {
          const Worker = nodeWorker();
          if (this.disposed || Worker === null) return;
          const buffers = () => ({ packA: heap.alloc(PACK_A_BYTES), tile: heap.alloc(TILE_BYTES) });
          const lost = (reason: string) => new BackendError({ op: "matmul" }, `backend 'cpu' lost a worker thread: ${reason}`);
          this.pool = new ThreadPool(heap, this.kernels.module("matmul", build), workers, buffers, Worker, lost);
        })
        .catch((error: unknown) => {
          // Not loaded or not started: reported by the first product that would have been split (until
          // then, and for smaller products, the calling thread computes alone).
          this.poolError = error;
        });
    }
  }

  /** Threads a large product runs on now: 1 plus the workers that have started. */
  threads(): number {
    return 1 + (this.pool?.ready() ?? 0);
  }

  /** C[m, n] = A[m, k] · B[k, n] for operands read through strides; C is row-major at `c`. */
  product(a: Operand, b: Operand, c: number, m: number, k: number, n: number): void {
    const { packB, rows } = this.kernels.get("matmul", build);
    if (this.packA < 0) {
      this.packA = this.heap.alloc(PACK_A_BYTES);
      this.packB = this.heap.alloc((NC + NR) * KC * 4);
    }
    const ldc = n * 4;
    if (k === 0) {
      new Float32Array(this.heap.buffer, c, m * n).fill(0);
      return;
    }
    const threaded = m > MC && m * k * n >= THREADED_WORK;
    if (threaded && this.poolError !== null) {
      const reason = this.poolError instanceof Error ? this.poolError.message : "unknown error";
      throw new BackendError({ op: "matmul" }, `backend 'cpu' could not start its worker threads: ${reason}`);
    }
    const pool = threaded ? this.pool : null;
    const height = blockHeight(m, pool === null ? 1 : this.threads());
    for (let jc = 0; jc < n; jc += NC) {
      const nc = Math.min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = Math.min(KC, k - pc);
        packB!(b.offset + pc * b.rowStride + jc * b.colStride, b.rowStride, b.colStride, kc, nc, this.packB);
        const task = { a: a.offset + pc * a.colStride, rowStride: a.rowStride, colStride: a.colStride, packB: this.packB, c: c + jc * 4, ldc, m, kc, nc, accumulate: pc > 0 ? 1 : 0, height };
        const local = (first: number, stride: number) => {
          rows!(task.a, task.rowStride, task.colStride, this.packA, task.packB, task.c, ldc, m, kc, nc, task.accumulate, MAIN_TILE, first, stride, height);
        };
        if (pool === null) local(0, 1);
        else pool.run(task, local);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    this.pool?.dispose();
    this.pool = null;
  }

  /** C = activation(C + bias) in place; bias (a row of n values at `bias`, or -1 for none). */
  epilogue(activation: VectorActivation, c: number, bias: number, m: number, n: number): void {
    let epilogue = this.epilogues[activation];
    if (epilogue === undefined) {
      epilogue = this.kernels.get(`epilogue:${activation}`, (mod) => {
        emitEpilogue(mod, activation);
      }).epilogue!;
      this.epilogues[activation] = epilogue;
    }
    epilogue(c, bias < 0 ? 0 : bias, m, n, bias < 0 ? 0 : 1);
  }
}
