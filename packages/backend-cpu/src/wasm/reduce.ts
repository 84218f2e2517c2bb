import { OP, SIMD, type FunctionBuilder, type ModuleBuilder } from "./emitter.js";
import type { Kernels } from "./runtime.js";

/**
 * float32 sum, max and min in WebAssembly SIMD, for the layouts training reduces: the last axes (a row per
 * output element — softmax's and cross-entropy's sums, a mean over everything), the leading axes (a column per
 * output element — a bias gradient summed over the batch) and middle axes (columns block by block — a pooling
 * window's taps). path.ts collapses a reduction to one of them, or leaves it to the TypeScript kernel.
 *
 * Sums accumulate in float64, as the TypeScript kernel does (four f64x2 accumulators per row, or a float64
 * scratch row for column sums that two input rows at a time add to), and round to float32 once; only the
 * order of the additions differs, so the results agree to float64 rounding before that last step. Four
 * independent accumulators keep the adds from waiting on each other (a row's sum and max ran at the latency of
 * one add or max per vector). max and min are f32x4.max/min: NaN propagates,
 * and max(−0, +0) is +0 whichever comes first.
 */

export type WasmReduceOp = "sum" | "max" | "min";

const IDENTITY: Record<WasmReduceOp, number> = { sum: 0, max: -Infinity, min: Infinity };

/** `acc ⊕ v` for four f32 lanes, or one f32 (`scalar`). */
function combine(f: FunctionBuilder, op: "max" | "min", scalar: boolean): void {
  if (scalar) f.op(op === "max" ? OP.f32Max : OP.f32Min);
  else f.simd(op === "max" ? SIMD.f32x4_max : SIMD.f32x4_min);
}

/** run(x, out, rows, cols): out[r] = ⊕ of row r's `cols` contiguous floats. */
function emitRows(m: ModuleBuilder, op: WasmReduceOp): void {
  m.fn("run", ["i32", "i32", "i32", "i32"], [], (f) => {
    const [x, out, rows, cols] = [0, 1, 2, 3];
    const [r, j, full, wide] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
    const acc = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")] as const;
    const [a0, a1] = acc;
    const scalar = f.local(op === "sum" ? "f64" : "f32");
    f.get(cols).i32(-4).op(OP.i32And).set(full);
    f.get(cols).i32(-16).op(OP.i32And).set(wide);
    f.i32(0).set(r);
    f.forLoop(r, rows, 1, () => {
      for (const a of acc) f.splat(op === "sum" ? 0 : IDENTITY[op]).set(a);
      if (op === "sum") f.op(OP.f64Const, 0, 0, 0, 0, 0, 0, 0, 0).set(scalar);
      else f.f32(IDENTITY[op]).set(scalar);
      f.i32(0).set(j);
      // Sixteen floats at a time into four accumulators (sums: eight f64x2 adds in four chains, so no add
      // waits for the one before it), then four at a time.
      const accumulate = (limit: number, step: number) => {
        f.forLoop(j, limit, step, () => {
          for (let k = 0; k < step / (op === "sum" ? 2 : 4); k++) {
            const a = acc[k % 4]!;
            f.get(a).get(x).get(j).i32(2).op(OP.i32Shl).op(OP.i32Add);
            if (op === "sum") f.simdMem(SIMD.v128_load64_zero, 3, 8 * k).simd(SIMD.f64x2_promote_low_f32x4).simd(SIMD.f64x2_add);
            else {
              f.v128Load(16 * k);
              combine(f, op, false);
            }
            f.set(a);
          }
        });
      };
      accumulate(wide, 16);
      accumulate(full, 4);
      // The rest one at a time.
      f.forLoop(j, cols, 1, () => {
        f.get(scalar).get(x).get(j).i32(2).op(OP.i32Shl).op(OP.i32Add).mem(OP.f32Load, 2);
        if (op === "sum") f.op(OP.f64PromoteF32, OP.f64Add);
        else combine(f, op, true);
        f.set(scalar);
      });
      // Fold the lanes in, store, next row.
      f.get(out).get(r).i32(2).op(OP.i32Shl).op(OP.i32Add);
      // (a0 ⊕ a2) ⊕ (a1 ⊕ a3) first
      for (const [into, from] of op === "sum" ? ([[0, 2], [1, 3]] as const) : ([[0, 2], [1, 3], [0, 1]] as const)) {
        f.get(acc[into]).get(acc[from]);
        if (op === "sum") f.simd(SIMD.f64x2_add);
        else combine(f, op, false);
        f.set(acc[into]);
      }
      if (op === "sum") {
        f.get(a0).get(a1).simd(SIMD.f64x2_add).set(a0);
        f.get(a0).lane(SIMD.f64x2_extract_lane, 0).get(a0).lane(SIMD.f64x2_extract_lane, 1).op(OP.f64Add).get(scalar).op(OP.f64Add).op(OP.f32DemoteF64);
      } else {
        f.get(scalar);
        for (let lane = 0; lane < 4; lane++) {
          f.get(a0).lane(SIMD.f32x4_extract_lane, lane);
          combine(f, op, true);
        }
      }
      f.mem(OP.f32Store, 2);
      f.get(x).get(cols).i32(2).op(OP.i32Shl).op(OP.i32Add).set(x);
    });
  });
}

/**
 * run(x, out, scratch, blocks, rows, cols): out[b·cols + c] = ⊕ over r of x[(b·rows + r)·cols + c]. Sums run
 * into `scratch` (cols float64 values, 16-byte aligned) and are rounded into `out` at the end of each block;
 * max and min run in `out` itself. One block is a reduction over the leading axes (a bias gradient), several
 * a reduction over middle axes (a pooling window's taps).
 */
function emitColumns(m: ModuleBuilder, op: WasmReduceOp): void {
  m.fn("run", ["i32", "i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const [x, out, scratch, blocks, rows, cols] = [0, 1, 2, 3, 4, 5];
    const [r, j, full, block] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
    const address = (base: number, shift: number) => f.get(base).get(j).i32(shift).op(OP.i32Shl).op(OP.i32Add);
    f.get(cols).i32(-2).op(OP.i32And).set(full);
    // One block after another (x moves on by whole rows as they are read; out by one row of results).
    f.i32(0).set(block);
    f.forLoop(block, blocks, 1, () => {
    // Start from the identity.
    f.i32(0).set(j);
    if (op === "sum") {
      f.forLoop(j, cols, 1, () => {
        address(scratch, 3).op(OP.f64Const, 0, 0, 0, 0, 0, 0, 0, 0).mem(OP.f64Store, 3);
      });
    } else {
      f.forLoop(j, cols, 1, () => {
        address(out, 2).f32(IDENTITY[op]).mem(OP.f32Store, 2);
      });
    }
    f.i32(0).set(r);
    // Sums: `count` rows per pass over the float64 scratch row, each sum loaded and stored once for all of them
    // (and added to in row order); two at a time, then the odd one.
    const stride = f.local("i32");
    f.get(cols).i32(2).op(OP.i32Shl).set(stride);
    const pass = (count: number) => {
      const row = (k: number) => {
        address(x, 2);
        if (k > 0) f.get(stride).op(OP.i32Add);
      };
      f.i32(0).set(j);
      f.forLoop(j, full, 2, () => {
        address(scratch, 3);
        address(scratch, 3).v128Load();
        for (let k = 0; k < count; k++) {
          row(k);
          f.simdMem(SIMD.v128_load64_zero, 3).simd(SIMD.f64x2_promote_low_f32x4).simd(SIMD.f64x2_add);
        }
        f.v128Store();
      });
      f.forLoop(j, cols, 1, () => {
        address(scratch, 3);
        address(scratch, 3).mem(OP.f64Load, 3);
        for (let k = 0; k < count; k++) {
          row(k);
          f.mem(OP.f32Load, 2).op(OP.f64PromoteF32, OP.f64Add);
        }
        f.mem(OP.f64Store, 3);
      });
      f.get(x).get(stride);
      if (count === 2) f.get(stride).op(OP.i32Add);
      f.op(OP.i32Add).set(x);
    };
    if (op === "sum") {
      const pairs = f.local("i32");
      f.get(rows).i32(-2).op(OP.i32And).set(pairs);
      f.forLoop(r, pairs, 2, () => {
        pass(2);
      });
      f.forLoop(r, rows, 1, () => {
        pass(1);
      });
    } else {
      f.forLoop(r, rows, 1, () => {
        f.i32(0).set(j);
        const four = f.local("i32");
        f.get(cols).i32(-4).op(OP.i32And).set(four);
        f.forLoop(j, four, 4, () => {
          address(out, 2);
          address(out, 2).v128Load();
          address(x, 2).v128Load();
          combine(f, op, false);
          f.v128Store();
        });
        f.forLoop(j, cols, 1, () => {
          address(out, 2);
          address(out, 2).mem(OP.f32Load, 2);
          address(x, 2).mem(OP.f32Load, 2);
          combine(f, op, true);
          f.mem(OP.f32Store, 2);
        });
        f.get(x).get(stride).op(OP.i32Add).set(x);
      });
    }
    if (op === "sum") {
      f.i32(0).set(j);
      f.forLoop(j, cols, 1, () => {
        address(out, 2);
        address(scratch, 3).mem(OP.f64Load, 3).op(OP.f32DemoteF64).mem(OP.f32Store, 2);
      });
    }
    f.get(out).get(cols).i32(2).op(OP.i32Shl).op(OP.i32Add).set(out);
    });
  });
}

type Run = (...args: number[]) => unknown;

/** The reduction kernels of one heap; arguments are byte offsets into it and counts. */
export class WasmReduce {
  private readonly runs = new Map<string, Run>();

  constructor(private readonly kernels: Kernels) {}

  private run(layout: "rows" | "columns", op: WasmReduceOp): Run {
    const key = `reduce:${layout}:${op}`;
    let run = this.runs.get(key);
    if (run === undefined) {
      run = this.kernels.get(key, (m) => {
        if (layout === "rows") emitRows(m, op);
        else emitColumns(m, op);
      }).run!;
      this.runs.set(key, run);
    }
    return run;
  }

  /** out[r] = ⊕ of x's row r (`rows` rows of `cols` contiguous floats). */
  rows(op: WasmReduceOp, x: number, out: number, rows: number, cols: number): void {
    this.run("rows", op)(x, out, rows, cols);
  }

  /**
   * out[b·cols + c] = ⊕ of column c of x's block b (`blocks` blocks of `rows` rows of `cols` floats, one after
   * another); `scratch` holds `cols` float64 values (sums only).
   */
  columns(op: WasmReduceOp, x: number, out: number, scratch: number, blocks: number, rows: number, cols: number): void {
    this.run("columns", op)(x, out, scratch, blocks, rows, cols);
  }
}
