/**
 * A small WebAssembly bytecode emitter: enough of the binary format to write SIMD kernels at run time, so
 * each kernel is generated for exactly the case it serves (an op, a broadcast pattern, a tile size) and the
 * bundle carries the generator instead of a prebuilt .wasm file. Every kernel module imports one memory
 * (`env.memory`): the backend's heap, so modules share tensors without copying. (An internal module, not
 * exported from the package, so the sketch below is not run as a doc test.)
 *
 * ```text
 * const m = new ModuleBuilder();
 * m.fn("double", ["i32", "i32"], [], (f) => {
 *   f.get(1).get(0).v128Load().v128Load(0).simd(SIMD.f32x4_add).v128Store();
 * });
 * const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes()), { env: { memory } });
 * ```
 */

export type ValType = "i32" | "i64" | "f32" | "f64" | "v128";

const TYPE_CODE: Record<ValType, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/**
 * Opcodes outside the SIMD prefix that kernels use. Const enums, so the bundlers inline each use as its number
 * (a kernel generator names hundreds of opcodes; as object properties their names would ship in the bundle).
 */
export const enum OP {
  unreachable = 0x00,
  block = 0x02,
  loop = 0x03,
  if = 0x04,
  else = 0x05,
  end = 0x0b,
  br = 0x0c,
  brIf = 0x0d,
  return = 0x0f,
  call = 0x10,
  select = 0x1b,
  localGet = 0x20,
  localSet = 0x21,
  localTee = 0x22,
  i32Load = 0x28,
  f32Load = 0x2a,
  f64Load = 0x2b,
  i32Load8U = 0x2d,
  i32Store = 0x36,
  f32Store = 0x38,
  f64Store = 0x39,
  i32Store8 = 0x3a,
  i32Const = 0x41,
  f32Const = 0x43,
  f64Const = 0x44,
  i32Eqz = 0x45,
  i32Eq = 0x46,
  i32Ne = 0x47,
  i32LtS = 0x48,
  i32LtU = 0x49,
  i32GtS = 0x4a,
  i32LeS = 0x4c,
  i32GeS = 0x4e,
  f32Eq = 0x5b,
  f32Ne = 0x5c,
  f32Lt = 0x5d,
  f32Gt = 0x5e,
  f32Le = 0x5f,
  f32Ge = 0x60,
  i32Add = 0x6a,
  i32Sub = 0x6b,
  i32Mul = 0x6c,
  i32And = 0x71,
  i32Or = 0x72,
  i32Shl = 0x74,
  i32ShrU = 0x76,
  f32Abs = 0x8b,
  f32Neg = 0x8c,
  f32Sqrt = 0x91,
  f32Add = 0x92,
  f32Sub = 0x93,
  f32Mul = 0x94,
  f32Div = 0x95,
  f32Min = 0x96,
  f32Max = 0x97,
  f64Add = 0xa0,
  f32DemoteF64 = 0xb6,
  f64PromoteF32 = 0xbb,
}

/** SIMD opcodes (after the 0xfd prefix). */
export const enum SIMD {
  v128_load = 0x00,
  v128_load32_splat = 0x09,
  v128_store = 0x0b,
  v128_const = 0x0c,
  i32x4_splat = 0x11,
  f32x4_splat = 0x13,
  f64x2_splat = 0x14,
  i32x4_extract_lane = 0x1b,
  f32x4_extract_lane = 0x1f,
  f64x2_extract_lane = 0x21,
  i32x4_eq = 0x37,
  i32x4_ne = 0x38,
  i32x4_lt_s = 0x39,
  i32x4_gt_s = 0x3b,
  i32x4_le_s = 0x3d,
  i32x4_ge_s = 0x3f,
  f32x4_eq = 0x41,
  f32x4_ne = 0x42,
  f32x4_lt = 0x43,
  f32x4_gt = 0x44,
  f32x4_le = 0x45,
  f32x4_ge = 0x46,
  v128_not = 0x4d,
  v128_and = 0x4e,
  v128_andnot = 0x4f,
  v128_or = 0x50,
  v128_xor = 0x51,
  v128_bitselect = 0x52,
  v128_load32_zero = 0x5c,
  v128_load64_zero = 0x5d,
  f32x4_demote_f64x2_zero = 0x5e,
  f64x2_promote_low_f32x4 = 0x5f,
  i8x16_narrow_i16x8_u = 0x66,
  f32x4_ceil = 0x67,
  f32x4_floor = 0x68,
  f32x4_nearest = 0x6a,
  i16x8_narrow_i32x4_u = 0x86,
  i16x8_extend_low_i8x16_u = 0x89,
  i32x4_extend_low_i16x8_u = 0xa9,
  i32x4_shl = 0xab,
  i32x4_shr_s = 0xac,
  i32x4_shr_u = 0xad,
  i32x4_add = 0xae,
  i32x4_sub = 0xb1,
  f32x4_abs = 0xe0,
  f32x4_neg = 0xe1,
  f32x4_sqrt = 0xe3,
  f32x4_add = 0xe4,
  f32x4_sub = 0xe5,
  f32x4_mul = 0xe6,
  f32x4_div = 0xe7,
  f32x4_min = 0xe8,
  f32x4_max = 0xe9,
  f32x4_pmin = 0xea,
  f32x4_pmax = 0xeb,
  f64x2_add = 0xf0,
  i32x4_trunc_sat_f32x4_s = 0xf8,
  f32x4_convert_i32x4_s = 0xfa,
}

function uleb(out: number[], value: number): void {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
}

function sleb(out: number[], value: number): void {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return;
    }
    out.push(byte | 0x80);
  }
}

const f32Bytes = new Uint8Array(4);
const f32View = new DataView(f32Bytes.buffer);

/**
 * One function body. Methods push instructions and return `this`, so a body reads as the stack machine
 * runs it: `f.get(a).get(b).op(OP.i32Add).set(a)`.
 */
export class FunctionBuilder {
  code: number[] = [];
  readonly localTypes: ValType[] = [];
  /** Where `mark` was called in the code being emitted by `interleave` (null outside it). */
  private marks: number[] | null = null;
  /** Code that runs before `code`: the splatted constants, each set once into its own local. */
  readonly prologue: number[] = [];
  private readonly splats = new Map<string, number>();

  constructor(readonly params: readonly ValType[]) {}

  /** A new local of `type`; returns its index. */
  local(type: ValType): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  simd(opcode: number): this {
    this.code.push(0xfd);
    uleb(this.code, opcode);
    return this;
  }

  get(index: number): this {
    return this.op(OP.localGet).index(index);
  }

  set(index: number): this {
    return this.op(OP.localSet).index(index);
  }

  tee(index: number): this {
    return this.op(OP.localTee).index(index);
  }

  i32(value: number): this {
    this.code.push(OP.i32Const);
    sleb(this.code, value);
    return this;
  }

  f32(value: number): this {
    f32View.setFloat32(0, value, true);
    return this.op(OP.f32Const, ...f32Bytes);
  }

  /** Marks a point where the operand stack is empty: `interleave` may switch between copies here. */
  mark(): this {
    this.marks?.push(this.code.length);
    return this;
  }

  /**
   * Emits `copies` independent copies of a body, interleaved statement by statement (a statement ends at a
   * `mark`), so the copies' dependency chains sit side by side in the instruction stream and an out-of-order
   * core overlaps them — V8 does not reorder instructions, and one copy of a polynomial is a single long
   * chain. Each copy must use its own locals for what it writes.
   */
  interleave(copies: number, emit: (copy: number) => void): this {
    const outer = this.code;
    const outerMarks = this.marks;
    const pieces: number[][][] = [];
    for (let c = 0; c < copies; c++) {
      this.code = [];
      this.marks = [];
      emit(c);
      const cuts = [0, ...this.marks, this.code.length];
      const statements: number[][] = [];
      for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1]! > cuts[i]!) statements.push(this.code.slice(cuts[i], cuts[i + 1]));
      pieces.push(statements);
    }
    this.code = outer;
    this.marks = outerMarks;
    const longest = Math.max(0, ...pieces.map((p) => p.length));
    for (let s = 0; s < longest; s++) for (const p of pieces) for (const byte of p[s] ?? []) this.code.push(byte);
    return this;
  }

  /**
   * Pushes a v128 with every lane `value` (an f32, or an i32 with `lanes` "i32"). The vector is built once, in
   * the prologue, and read from a local: V8 does not hoist a splat out of a loop, and rebuilding each of a
   * polynomial's constants every iteration would cost more than the arithmetic.
   */
  splat(value: number, lanes: "f32" | "i32" = "f32"): this {
    f32View.setFloat32(0, value, true);
    const key = lanes === "f32" ? `f${f32View.getUint32(0, true)}` : `i${value | 0}`;
    let local = this.splats.get(key);
    if (local === undefined) {
      local = this.local("v128");
      this.splats.set(key, local);
      if (lanes === "f32") this.prologue.push(OP.f32Const, ...f32Bytes, 0xfd, SIMD.f32x4_splat);
      else {
        this.prologue.push(OP.i32Const);
        sleb(this.prologue, value | 0);
        this.prologue.push(0xfd, SIMD.i32x4_splat);
      }
      this.prologue.push(OP.localSet);
      uleb(this.prologue, local);
    }
    return this.get(local);
  }

  /** A memory access: `opcode` with its alignment (log2 bytes) and a constant byte offset. */
  mem(opcode: number, align: number, offset = 0): this {
    this.code.push(opcode, align);
    uleb(this.code, offset);
    return this;
  }

  /** A SIMD memory access (v128.load/store, load32_zero …). */
  simdMem(opcode: number, align: number, offset = 0): this {
    this.simd(opcode);
    this.code.push(align);
    uleb(this.code, offset);
    return this;
  }

  v128Load(offset = 0): this {
    return this.simdMem(SIMD.v128_load, 4, offset);
  }

  v128Store(offset = 0): this {
    return this.simdMem(SIMD.v128_store, 4, offset);
  }

  lane(opcode: number, lane: number): this {
    this.simd(opcode);
    this.code.push(lane);
    return this;
  }

  /** Calls function `index` of this module (functions are numbered in the order `fn` added them). */
  call(index: number): this {
    return this.op(OP.call).index(index);
  }

  index(value: number): this {
    uleb(this.code, value);
    return this;
  }

  /** `block`/`loop`/`if` with no result, the body emitted by `body`, then `end`. */
  structured(opcode: number, body: () => void): this {
    this.code.push(opcode, 0x40);
    body();
    this.code.push(OP.end);
    return this;
  }

  /**
   * `for (i = start; i < end; i += step) body()` over i32 locals, as block + loop; `end` is re-read each
   * iteration, so it may be a local the body changes.
   */
  forLoop(i: number, end: number, step: number, body: () => void): this {
    return this.structured(OP.block, () => {
      this.structured(OP.loop, () => {
        this.get(i).get(end).op(OP.i32GeS, OP.brIf, 1);
        body();
        this.get(i).i32(step).op(OP.i32Add).set(i).op(OP.br, 0);
      });
    });
  }
}

interface FunctionEntry {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly body: FunctionBuilder;
}

/** `value` as unsigned LEB128 bytes. */
function leb(value: number): number[] {
  const out: number[] = [];
  uleb(out, value);
  return out;
}

/** A vector: its length, then its items' bytes. */
function vector(items: readonly (readonly number[])[]): number[] {
  return [...leb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  return vector([...new TextEncoder().encode(text)].map((byte) => [byte]));
}

/** A module of exported functions over the imported memory `env.memory`. */
export class ModuleBuilder {
  private readonly functions: FunctionEntry[] = [];

  /** @param shared whether the imported memory is a shared one (threads); then `maxPages` is required. */
  constructor(
    private readonly shared = false,
    private readonly maxPages = 65536,
  ) {}

  fn(exportName: string, params: readonly ValType[], results: readonly ValType[], emit: (f: FunctionBuilder) => void): this {
    const body = new FunctionBuilder(params);
    emit(body);
    this.functions.push({ name: exportName, params, results, body });
    return this;
  }

  bytes(): Uint8Array<ArrayBuffer> {
    const fns = this.functions;
    const types = (list: readonly ValType[]) => vector(list.map((t) => [TYPE_CODE[t]]));
    const memoryType = this.shared ? [0x03, ...leb(1), ...leb(this.maxPages)] : [0x00, ...leb(1)];
    const sections: [number, number[][]][] = [
      // Types: one per function (duplicates are allowed and keep this simple).
      [1, fns.map((f) => [0x60, ...types(f.params), ...types(f.results)])],
      [2, [[...name("env"), ...name("memory"), 0x02, ...memoryType]]],
      [3, fns.map((_, i) => leb(i))],
      [7, fns.map((f, i) => [...name(f.name), 0x00, ...leb(i)])],
      [
        10,
        fns.map((f) => {
          // Locals in runs of one type each.
          const runs: [number, ValType][] = [];
          for (const t of f.body.localTypes) {
            const last = runs.at(-1);
            if (last !== undefined && last[1] === t) last[0]++;
            else runs.push([1, t]);
          }
          const body = [...vector(runs.map(([count, t]) => [...leb(count), TYPE_CODE[t]])), ...f.body.prologue, ...f.body.code, OP.end];
          return [...leb(body.length), ...body];
        }),
      ],
    ];
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    for (const [id, items] of sections) {
      const content = vector(items);
      out.push(id, ...leb(content.length), ...content);
    }
    return new Uint8Array(out);
  }
}
