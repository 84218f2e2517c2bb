import type { BinaryOp, UnaryOp } from "@neurite/tensor-core";
import { OP, SIMD, type FunctionBuilder, type ModuleBuilder } from "./emitter.js";
import { emitExp, emitExpm1, emitLog, emitLog1p, emitTanh } from "./math.js";
import type { Kernels } from "./runtime.js";

/**
 * float32 elementwise kernels in WebAssembly SIMD, generated per op and per broadcast pattern. The backend
 * walks the broadcast shape row by row (see strided.ts); within a row each operand either advances one
 * element per element (step 1) or repeats one value (step 0, loaded once and splatted), so one generated
 * loop per pattern covers same-shape, scalar, row and column broadcasts.
 *
 * Loops process whole vectors (4 floats, or 16 elements for bool results). The last, partial vector of a row
 * is computed whole — its reads may run past the row, harmlessly: the heap keeps a guard at its top — and
 * stored through scratch memory, so only the row's own bytes are written. Results equal the float64
 * reference rounded to float32 for add/sub/mul/div/sqrt (IEEE operations round once either way), exactly
 * for the rest except exp, expm1, log, log1p and tanh (within about 2 ulp).
 */

type VectorBinary = (f: FunctionBuilder) => void;

const ARITHMETIC: Partial<Record<BinaryOp, number>> = {
  add: SIMD.f32x4_add,
  sub: SIMD.f32x4_sub,
  mul: SIMD.f32x4_mul,
  div: SIMD.f32x4_div,
  // max/min as Math.max/min: NaN if either is NaN, and max(−0, +0) = +0.
  maximum: SIMD.f32x4_max,
  minimum: SIMD.f32x4_min,
};

const COMPARISON: Partial<Record<BinaryOp, VectorBinary>> = {
  equal: (f) => f.simd(SIMD.f32x4_eq),
  notEqual: (f) => f.simd(SIMD.f32x4_ne),
  less: (f) => f.simd(SIMD.f32x4_lt),
  lessEqual: (f) => f.simd(SIMD.f32x4_le),
  greater: (f) => f.simd(SIMD.f32x4_gt),
  greaterEqual: (f) => f.simd(SIMD.f32x4_ge),
};

/** Unary ops with a vector form: `x` is a v128 local, `t` five scratch v128 locals; leaves the result. */
const UNARY: Partial<Record<UnaryOp, (f: FunctionBuilder, x: number, t: readonly [number, number, number, number, number]) => void>> = {
  neg: (f, x) => f.get(x).simd(SIMD.f32x4_neg),
  abs: (f, x) => f.get(x).simd(SIMD.f32x4_abs),
  sqrt: (f, x) => f.get(x).simd(SIMD.f32x4_sqrt),
  floor: (f, x) => f.get(x).simd(SIMD.f32x4_floor),
  ceil: (f, x) => f.get(x).simd(SIMD.f32x4_ceil),
  // f32x4.nearest rounds half to even, as the contract's `round` does.
  round: (f, x) => f.get(x).simd(SIMD.f32x4_nearest),
  exp: (f, x, t) => {
    emitExp(f, x, [t[0], t[1], t[2]]);
  },
  log: (f, x, t) => {
    emitLog(f, x, [t[0], t[1], t[2]]);
  },
  expm1: emitExpm1,
  log1p: emitLog1p,
  tanh: emitTanh,
};

export function wasmBinary(op: BinaryOp): "float32" | "bool" | null {
  if (ARITHMETIC[op] !== undefined) return "float32";
  if (COMPARISON[op] !== undefined) return "bool";
  return null;
}

export function wasmUnary(op: UnaryOp): boolean {
  return UNARY[op] !== undefined;
}

/**
 * An operand of a generated loop: a pointer parameter that advances by `bytes` per vector (step 1) or is
 * read once and splatted into a local (step 0).
 */
interface Stream {
  readonly ptr: number;
  readonly step: 0 | 1;
  splatted: number;
}

function prepare(f: FunctionBuilder, s: Stream): void {
  if (s.step === 0) {
    s.splatted = f.local("v128");
    f.get(s.ptr).simdMem(SIMD.v128_load32_splat, 2).set(s.splatted);
  }
}

/** Pushes the vector of `s` at `offset` bytes past its pointer (its splat if it repeats). */
function load(f: FunctionBuilder, s: Stream, offset: number): void {
  if (s.step === 0) f.get(s.splatted);
  else f.get(s.ptr).v128Load(offset);
}

function advance(f: FunctionBuilder, s: Stream, bytes: number): void {
  if (s.step === 1) f.get(s.ptr).i32(bytes).op(OP.i32Add).set(s.ptr);
}

/** Where a partial last vector is parked before its bytes are copied out (inside the heap's scratch area). */
const TAIL = 512;

/**
 * `for (; out < out + bytes; out += 16) store(out, value())`, with the last partial vector stored through
 * scratch so that nothing past `out + bytes` is written. `value` pushes one v128; `advance` moves the inputs.
 */
function emitLoop(f: FunctionBuilder, out: number, bytes: () => void, value: () => void, advance: () => void): void {
  const end = f.local("i32");
  const full = f.local("i32");
  const i = f.local("i32");
  bytes();
  f.get(out).op(OP.i32Add).set(end);
  bytes();
  f.i32(-16).op(OP.i32And).get(out).op(OP.i32Add).set(full);
  f.forLoop(out, full, 16, () => {
    f.get(out);
    value();
    f.v128Store();
    advance();
  });
  f.get(out).get(end).op(OP.i32LtS).op(OP.if, 0x40);
  f.i32(0);
  value();
  f.v128Store(TAIL);
  f.i32(0).set(i);
  f.get(end).get(out).op(OP.i32Sub).set(end);
  f.forLoop(i, end, 1, () => {
    f.get(out).get(i).op(OP.i32Add).get(i).mem(OP.i32Load8U, 0, TAIL).mem(OP.i32Store8, 0);
  });
  f.op(OP.end);
}

/** run(a, b, out, n) for a binary op with float32 or bool results. */
function emitBinary(m: ModuleBuilder, op: BinaryOp, sa: 0 | 1, sb: 0 | 1): void {
  m.fn("run", ["i32", "i32", "i32", "i32"], [], (f) => {
    const a: Stream = { ptr: 0, step: sa, splatted: -1 };
    const b: Stream = { ptr: 1, step: sb, splatted: -1 };
    const out = 2;
    const n = 3;
    prepare(f, a);
    prepare(f, b);
    const arithmetic = ARITHMETIC[op];
    if (arithmetic !== undefined) {
      emitLoop(
        f,
        out,
        () => f.get(n).i32(2).op(OP.i32Shl),
        () => {
          load(f, a, 0);
          load(f, b, 0);
          f.simd(arithmetic);
        },
        () => {
          advance(f, a, 16);
          advance(f, b, 16);
        },
      );
      return;
    }
    // Comparisons: 16 results per vector, each lane's all-ones mask turned into a 0/1 byte.
    const compare = COMPARISON[op]!;
    const one = f.local("v128");
    f.i32(1).simd(SIMD.i32x4_splat).set(one);
    emitLoop(
      f,
      out,
      () => f.get(n),
      () => {
        for (let pair = 0; pair < 2; pair++) {
          for (let half = 0; half < 2; half++) {
            const offset = (pair * 2 + half) * 16;
            load(f, a, offset);
            load(f, b, offset);
            compare(f);
            f.get(one).simd(SIMD.v128_and);
          }
          f.simd(SIMD.i16x8_narrow_i32x4_u);
        }
        f.simd(SIMD.i8x16_narrow_i16x8_u);
      },
      () => {
        advance(f, a, 64);
        advance(f, b, 64);
      },
    );
  });
}

/** run(x, out, n) for a unary op. */
function emitUnary(m: ModuleBuilder, op: UnaryOp): void {
  m.fn("run", ["i32", "i32", "i32"], [], (f) => {
    const [x, out, n] = [0, 1, 2];
    const v = f.local("v128");
    const t = [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")] as const;
    emitLoop(
      f,
      out,
      () => f.get(n).i32(2).op(OP.i32Shl),
      () => {
        f.get(x).v128Load().set(v);
        UNARY[op]!(f, v, t);
      },
      () => f.get(x).i32(16).op(OP.i32Add).set(x),
    );
  });
}

/** run(condition, a, b, out, n): condition is bool bytes, a and b float32. */
function emitWhere(m: ModuleBuilder, sc: 0 | 1, sa: 0 | 1, sb: 0 | 1): void {
  m.fn("run", ["i32", "i32", "i32", "i32", "i32"], [], (f) => {
    const c = 0;
    const a: Stream = { ptr: 1, step: sa, splatted: -1 };
    const b: Stream = { ptr: 2, step: sb, splatted: -1 };
    const out = 3;
    const n = 4;
    const mask = f.local("v128");
    prepare(f, a);
    prepare(f, b);
    const zero = () => f.splat(0, "i32");
    if (sc === 0) {
      f.get(c).mem(OP.i32Load8U, 0).simd(SIMD.i32x4_splat);
      zero();
      f.simd(SIMD.i32x4_ne).set(mask);
    }
    emitLoop(
      f,
      out,
      () => f.get(n).i32(2).op(OP.i32Shl),
      () => {
        if (sc === 1) {
          // Four condition bytes → four i32 lanes → all-ones where non-zero.
          f.get(c).simdMem(SIMD.v128_load32_zero, 0).simd(SIMD.i16x8_extend_low_i8x16_u).simd(SIMD.i32x4_extend_low_i16x8_u);
          zero();
          f.simd(SIMD.i32x4_ne).set(mask);
        }
        load(f, a, 0);
        load(f, b, 0);
        f.get(mask).simd(SIMD.v128_bitselect);
      },
      () => {
        if (sc === 1) f.get(c).i32(4).op(OP.i32Add).set(c);
        advance(f, a, 16);
        advance(f, b, 16);
      },
    );
  });
}

type Run = (...args: number[]) => unknown;

/** The elementwise kernels of one heap; arguments are byte offsets into it and element counts. */
export class WasmElementwise {
  /** Each op's `run` per broadcast pattern (index: the operands' steps as bits), found without a string key. */
  private readonly runs = { unary: new Map<string, Run[]>(), binary: new Map<string, Run[]>(), where: new Map<string, Run[]>() };

  constructor(private readonly kernels: Kernels) {}

  private run(kind: "unary" | "binary" | "where", op: string, pattern: number, build: (m: ModuleBuilder) => void): Run {
    const runs = this.runs[kind];
    let table = runs.get(op);
    if (table === undefined) {
      table = [];
      runs.set(op, table);
    }
    let run = table[pattern];
    if (run === undefined) {
      run = this.kernels.get(`${kind}:${op}:${pattern}`, build).run!;
      table[pattern] = run;
    }
    return run;
  }

  binary(op: BinaryOp, a: number, sa: 0 | 1, b: number, sb: 0 | 1, out: number, n: number): void {
    this.run("binary", op, sa * 2 + sb, (m) => {
      emitBinary(m, op, sa, sb);
    })(a, b, out, n);
  }

  unary(op: UnaryOp, x: number, out: number, n: number): void {
    this.run("unary", op, 0, (m) => {
      emitUnary(m, op);
    })(x, out, n);
  }

  where(c: number, sc: 0 | 1, a: number, sa: 0 | 1, b: number, sb: 0 | 1, out: number, n: number): void {
    this.run("where", "where", sc * 4 + sa * 2 + sb, (m) => {
      emitWhere(m, sc, sa, sb);
    })(c, a, b, out, n);
  }
}
