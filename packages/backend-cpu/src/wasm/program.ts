import { operandsOf, ProgramBuilder, type BinaryOp, type DType, type ElementwiseProgram, type MultiOutputProgram, type ProgramNode, type UnaryOp } from "@neurite/tensor-core";
import { OP, SIMD, type FunctionBuilder, type ModuleBuilder, type ValType } from "./emitter.js";
import { emitExp, emitExpm1, emitLog, emitLog1p, emitTanh, splat, splatI32 } from "./math.js";
import type { Kernels } from "./runtime.js";
import { enabled, rewritesOf, type Rewrite } from "./rewrites.js";
import { splitUniform, type UniformSplit } from "./uniform.js";

/**
 * Elementwise programs compiled to one WebAssembly SIMD loop. Every node of the program becomes a few vector
 * instructions on four lanes at a time, its value kept in a v128 local — nothing is stored between nodes, and
 * the loop reads each input and writes the output once. A float32 value is a float32 lane (so each node
 * rounds to float32 exactly as its primitive kernel stores it); a bool value is a lane mask (all ones or all
 * zeros), loaded from and stored to bool's 0/1 bytes.
 *
 * The loop walks the output as `planes` planes of `rows` rows of `cols` elements (a broadcast collapsed to at
 * most three axes; path.ts walks any further axes). Within a row each input either advances (step 1) or
 * repeats one value (step 0, loaded once per row), and between rows and planes each moves by its own byte
 * strides, so one module per program and step pattern serves every shape. A row that is not a whole number of vectors ends with one
 * vector that overlaps the previous one (recomputing a few elements, which writes the same bits again);
 * a row shorter than one vector is computed through scratch memory, so nothing past the output is written.
 *
 * Constants are parameters, not immediates, so a program whose constants change every step (Adam's bias
 * correction) compiles once, and so do nodes that read only constants and one-element inputs: uniform.ts
 * computes those once per call on the host. int32 values may be read and compared (class indices against
 * ids); programs that compute int32 values, have a float64 node, a cast between other dtypes, or an op
 * without a vector form here (sin, cos, pow) on varying values are left to the TypeScript evaluator:
 * `compiles` says which.
 */

type Scratch = readonly [number, number, number, number, number];
/** `beforeAdding`: the node's every use adds a constant (see rewrites.ts), which exp may rely on. */
type Unary = (f: FunctionBuilder, x: number, t: Scratch, beforeAdding: boolean) => void;

/** float32 → float32 (or → bool for isNaN) unary ops; `x` is a v128 local, the result is left on the stack. */
const FLOAT_UNARY: Partial<Record<UnaryOp, Unary>> = {
  neg: (f, x) => f.get(x).simd(SIMD.f32x4_neg),
  abs: (f, x) => f.get(x).simd(SIMD.f32x4_abs),
  // x > 0 ? 1 : x < 0 ? −1 : x (±0 and NaN unchanged)
  sign: (f, x) => {
    splat(f, 1);
    splat(f, -1).get(x).get(x);
    splat(f, 0).simd(SIMD.f32x4_lt).simd(SIMD.v128_bitselect).get(x);
    splat(f, 0).simd(SIMD.f32x4_gt).simd(SIMD.v128_bitselect);
  },
  sqrt: (f, x) => f.get(x).simd(SIMD.f32x4_sqrt),
  floor: (f, x) => f.get(x).simd(SIMD.f32x4_floor),
  ceil: (f, x) => f.get(x).simd(SIMD.f32x4_ceil),
  // f32x4.nearest rounds half to even, as the contract's `round` does.
  round: (f, x) => f.get(x).simd(SIMD.f32x4_nearest),
  exp: (f, x, t, beforeAdding) => {
    emitExp(f, x, [t[0], t[1], t[2]], beforeAdding);
  },
  expm1: emitExpm1,
  log: (f, x, t) => {
    emitLog(f, x, [t[0], t[1], t[2]]);
  },
  log1p: emitLog1p,
  tanh: emitTanh,
  isNaN: (f, x) => f.get(x).get(x).simd(SIMD.f32x4_ne),
};

/** float32 binary ops: arithmetic gives float32, comparisons a mask. */
const FLOAT_BINARY: Partial<Record<BinaryOp, number>> = {
  add: SIMD.f32x4_add,
  sub: SIMD.f32x4_sub,
  mul: SIMD.f32x4_mul,
  div: SIMD.f32x4_div,
  // As Math.max/min: NaN if either is NaN, and max(−0, +0) = +0.
  maximum: SIMD.f32x4_max,
  minimum: SIMD.f32x4_min,
  equal: SIMD.f32x4_eq,
  notEqual: SIMD.f32x4_ne,
  less: SIMD.f32x4_lt,
  lessEqual: SIMD.f32x4_le,
  greater: SIMD.f32x4_gt,
  greaterEqual: SIMD.f32x4_ge,
};

/** bool binary ops, on masks. */
const BOOL_BINARY: Partial<Record<BinaryOp, number>> = {
  equal: SIMD.i32x4_eq,
  notEqual: SIMD.v128_xor,
  logicalAnd: SIMD.v128_and,
  logicalOr: SIMD.v128_or,
};

/**
 * int32 comparisons (signed, as the op table compares), giving bool masks: what compares class indices with a
 * range of ids (a one-hot row, the class-index cross-entropy's weights) needs of int32, without int32 arithmetic.
 */
const INT_COMPARE: Partial<Record<BinaryOp, number>> = {
  equal: SIMD.i32x4_eq,
  notEqual: SIMD.i32x4_ne,
  less: SIMD.i32x4_lt_s,
  lessEqual: SIMD.i32x4_le_s,
  greater: SIMD.i32x4_gt_s,
  greaterEqual: SIMD.i32x4_ge_s,
};

const VECTOR_DTYPES = new Set(["float32", "bool"]);

/** The vector instruction of a binary node, by its operands' dtype. */
function binaryInstruction(node: Extract<ProgramNode, { kind: "binary" }>, nodes: readonly ProgramNode[]): number | undefined {
  const dtype = nodes[node.a]!.dtype;
  return (dtype === "bool" ? BOOL_BINARY : dtype === "int32" ? INT_COMPARE : FLOAT_BINARY)[node.op];
}

function nodeCompiles(node: ProgramNode, nodes: readonly ProgramNode[]): boolean {
  // int32 values are read (inputs, constants) and compared, never computed.
  if (node.dtype === "int32") return node.kind === "input" || node.kind === "constant";
  if (!VECTOR_DTYPES.has(node.dtype)) return false;
  switch (node.kind) {
    case "input":
    case "constant":
    case "where":
      return true;
    case "cast":
      // float32 ↔ bool (same-dtype casts are never built).
      return VECTOR_DTYPES.has(nodes[node.x]!.dtype);
    case "unary":
      return nodes[node.x]!.dtype === "bool" ? node.op === "logicalNot" : FLOAT_UNARY[node.op] !== undefined;
    case "binary":
      return binaryInstruction(node, nodes) !== undefined;
  }
}

/** Whether `program` compiles to a Wasm loop (float32 and bool nodes, int32 read and compared, ops with a vector form). */
export function compiles(program: { readonly nodes: readonly ProgramNode[] }): boolean {
  // Input nodes carry their input's dtype; an input without a node (a hoisted scalar, see uniform.ts) is never read.
  return program.nodes.every((node) => nodeCompiles(node, program.nodes));
}

/** Nodes the results depend on (a clamp reads its value and bound, not its compare). */
function liveNodes(nodes: readonly ProgramNode[], results: readonly number[], clamps: ReadonlyMap<number, Rewrite> = new Map()): boolean[] {
  const live = nodes.map(() => false);
  for (const r of results) live[r] = true;
  for (let i = nodes.length - 1; i >= 0; i--) {
    if (!live[i]) continue;
    const clamp = clamps.get(i);
    for (const k of clamp === undefined ? operandsOf(nodes[i]!) : [clamp.x, clamp.bound]) live[k] = true;
  }
  return live;
}

/** Vectors per iteration of the main loop. */
const UNROLL = 4;

/** Where a vector shorter than a whole one is parked before its bytes are copied out (heap scratch, 16 bytes per output). */
const TAIL = 512;

/** Outputs one loop writes at most (their scratch vectors fit in the heap's scratch bytes). */
const MAX_OUTPUTS = 8;

/**
 * `run(ptr₀…ptrₖ₋₁, rowStride₀…rowStrideₖ₋₁, planeStride₀…planeStrideₖ₋₁, out₀…outᵣ₋₁, planes, rows, cols,
 * constants…)` for `program`: `planes` planes of `rows` rows of `cols` elements, where input `i` advances
 * within a row iff `steps[i]` is 1, and output `o` receives node `results[o]` (one output, the program's
 * result, unless given). Pointers and strides are in bytes; constants are f32 for float32
 * constants and i32 (0 or 1) for bool ones, in node order (`constantsOf`).
 */
export function emitProgram(
  m: ModuleBuilder,
  program: ElementwiseProgram,
  steps: readonly (0 | 1)[],
  results: readonly number[] = [program.result],
  rewrites: readonly Rewrite[] = [],
): void {
  const { nodes } = program;
  const k = program.inputs.length;
  const last = Math.max(...results);
  const constants = nodes.filter((n) => n.kind === "constant");
  const params: ValType[] = [...new Array<ValType>(3 * k + results.length + 3).fill("i32"), ...constants.map((c): ValType => (c.dtype === "float32" ? "f32" : "i32"))];
  const outs = results.map((_, o) => 3 * k + o);
  const [planes, rows, cols] = [3 * k + results.length, 3 * k + results.length + 1, 3 * k + results.length + 2];
  const outBool = results.map((r) => nodes[r]!.dtype === "bool");
  m.fn("run", params, [], (f) => {
    const cheapExps = new Set(rewrites.filter((r) => r.kind === "exp").map((r) => r.node));
    const clamps = new Map(rewrites.filter((r) => r.kind !== "exp").map((r) => [r.node, r]));
    const live = liveNodes(nodes, results, clamps);
    // Values per copy of the body (the main loop interleaves UNROLL copies); constants and inputs that
    // repeat along a row are set outside the body and shared.
    const shared = nodes.map((node) => node.kind === "constant" || (node.kind === "input" && steps[node.index] === 0));
    const value0 = nodes.map(() => f.local("v128"));
    const copies = Array.from({ length: UNROLL }, (_, u) => ({
      value: u === 0 ? value0 : nodes.map((_, i) => (shared[i] ? value0[i]! : f.local("v128"))),
      t: [f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128"), f.local("v128")] as Scratch,
    }));
    const value = value0;
    const zero = f.local("v128");
    const [r, j, jb, tail, c] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
    const addr = results.map(() => f.local("i32"));
    f.i32(0).simd(SIMD.i32x4_splat).set(zero);
    // Constants, once.
    let p = 3 * k + results.length + 3;
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      if (node.kind !== "constant") continue;
      if (live[i]) {
        if (node.dtype === "float32") f.get(p).simd(SIMD.f32x4_splat).set(value[i]!);
        else if (node.dtype === "int32") f.get(p).simd(SIMD.i32x4_splat).set(value[i]!);
        else f.i32(0).get(p).op(OP.i32Sub).simd(SIMD.i32x4_splat).set(value[i]!);
      }
      p++;
    }
    const inputNodes = nodes.flatMap((node, i) => (node.kind === "input" && live[i] ? [{ node: i, index: node.index, bool: node.dtype === "bool" }] : []));
    // Planes of rows: each input starts a plane at its plane stride past the last plane's start (the outputs
    // are contiguous, so they just go on).
    const plane = f.local("i32");
    const planeStarts = Array.from({ length: k }, () => f.local("i32"));
    f.i32(0).set(plane);
    f.forLoop(plane, planes, 1, () => {
      for (let i = 0; i < k; i++) f.get(i).set(planeStarts[i]!);
      f.i32(0).set(r);
      f.forLoop(r, rows, 1, () => {
        // Inputs that repeat along the row: one value per row.
        for (const input of inputNodes) {
          if (steps[input.index] === 1) continue;
          if (input.bool) f.i32(0).get(input.index).mem(OP.i32Load8U, 0).op(OP.i32Sub).simd(SIMD.i32x4_splat).set(value[input.node]!);
          else f.get(input.index).simdMem(SIMD.v128_load32_splat, 2).set(value[input.node]!);
        }
        /** Loads the advancing inputs' vector `u` past element j and computes every live node, in copy `u`'s locals. */
        const compute = (u: number) => {
          const { value, t } = copies[u]!;
          for (const input of inputNodes) {
            if (steps[input.index] === 0) continue;
            if (input.bool) {
              f.get(input.index).get(j).op(OP.i32Add).simdMem(SIMD.v128_load32_zero, 0, 4 * u).simd(SIMD.i16x8_extend_low_i8x16_u).simd(SIMD.i32x4_extend_low_i16x8_u);
              f.get(zero).simd(SIMD.i32x4_ne).set(value[input.node]!).mark();
            } else {
              f.get(input.index).get(jb).op(OP.i32Add).v128Load(16 * u).set(value[input.node]!).mark();
            }
          }
          for (let i = 0; i <= last; i++) {
            if (!live[i]) continue;
            const clamp = clamps.get(i);
            if (clamp === undefined) emitNode(f, nodes, i, value, t, zero, cheapExps.has(i));
            else f.get(value[clamp.bound]!).get(value[clamp.x]!).simd(clamp.kind === "pmax" ? SIMD.f32x4_pmax : SIMD.f32x4_pmin).set(value[i]!).mark();
          }
        };
        /** Stores copy `u`'s vector of output `o` at its address + 16·`u` bytes (a bool result as four bytes). */
        const store = (u: number, o: number) => {
          const { value, t } = copies[u]!;
          const offset = 16 * u;
          f.get(addr[o]!);
          if (outBool[o]) {
            f.get(value[results[o]!]!);
            splatI32(f, 1).simd(SIMD.v128_and);
            f.tee(t[0]).get(t[0]).simd(SIMD.i16x8_narrow_i32x4_u);
            f.tee(t[0]).get(t[0]).simd(SIMD.i8x16_narrow_i16x8_u);
            f.lane(SIMD.i32x4_extract_lane, 0).mem(OP.i32Store, 0, offset / 4);
          } else {
            f.get(value[results[o]!]!).v128Store(offset);
          }
          f.mark();
        };
        const outAddress = (o: number) => {
          f.get(outs[o]!).get(j);
          if (!outBool[o]) f.i32(2).op(OP.i32Shl);
          f.op(OP.i32Add);
        };
        /** Bytes of one row of output `o`, on the stack. */
        const rowBytes = (o: number) => {
          f.get(cols);
          if (!outBool[o]) f.i32(2).op(OP.i32Shl);
        };
        f.i32(0).set(j).i32(0).set(tail);
        // Four vectors per iteration while they fit (the loop's bookkeeping is paid once for 16 elements).
        f.structured(OP.block, () => {
          f.structured(OP.loop, () => {
            f.get(j).i32(UNROLL * 4).op(OP.i32Add).get(cols).op(OP.i32GtS, OP.brIf, 1);
            f.get(j).i32(2).op(OP.i32Shl).set(jb);
            results.forEach((_, o) => {
              outAddress(o);
              f.set(addr[o]!);
            });
            f.interleave(UNROLL, (u) => {
              compute(u);
              results.forEach((_, o) => {
                store(u, o);
              });
            });
            f.get(j).i32(UNROLL * 4).op(OP.i32Add).set(j).op(OP.br, 0);
          });
        });
        // Then one vector at a time.
        f.structured(OP.block, () => {
          f.structured(OP.loop, () => {
            // Past the last whole vector: overlap the previous one, or (row < 4) go through scratch.
            f.get(j).i32(4).op(OP.i32Add).get(cols).op(OP.i32GtS).op(OP.if, 0x40);
            f.get(j).get(cols).op(OP.i32GeS, OP.brIf, 2);
            f.get(cols).i32(4).op(OP.i32GeS).op(OP.if, 0x40);
            f.get(cols).i32(4).op(OP.i32Sub).set(j);
            f.op(OP.else).i32(1).set(tail).op(OP.end);
            f.op(OP.end);
            f.get(j).i32(2).op(OP.i32Shl).set(jb);
            compute(0);
            // Store at out + j (or, for a short row, into this output's 16 bytes of scratch).
            results.forEach((_, o) => {
              f.i32(TAIL + 16 * o);
              outAddress(o);
              f.get(tail).op(OP.select).set(addr[o]!);
              store(0, o);
            });
            f.get(tail).op(OP.if, 0x40);
            results.forEach((_, o) => {
              f.i32(0).set(c);
              rowBytes(o);
              f.set(addr[o]!);
              f.forLoop(c, addr[o]!, 1, () => {
                f.get(outs[o]!).get(c).op(OP.i32Add).get(c).mem(OP.i32Load8U, 0, TAIL + 16 * o).mem(OP.i32Store8, 0);
              });
            });
            f.op(OP.br, 2).op(OP.end);
            f.get(j).i32(4).op(OP.i32Add).set(j).op(OP.br, 0);
          });
        });
        for (let i = 0; i < k; i++) f.get(i).get(k + i).op(OP.i32Add).set(i);
        results.forEach((_, o) => {
          f.get(outs[o]!);
          rowBytes(o);
          f.op(OP.i32Add).set(outs[o]!);
        });
      });
      for (let i = 0; i < k; i++) f.get(planeStarts[i]!).get(2 * k + i).op(OP.i32Add).set(i);
    });
  });
}

/** Computes node `i` (not an input or constant) into its local. */
function emitNode(f: FunctionBuilder, nodes: readonly ProgramNode[], i: number, value: readonly number[], t: Scratch, zero: number, beforeAdding: boolean): void {
  const node = nodes[i]!;
  switch (node.kind) {
    case "input":
    case "constant":
      return;
    case "unary":
      if (node.op === "logicalNot") f.get(value[node.x]!).simd(SIMD.v128_not);
      else FLOAT_UNARY[node.op]!(f, value[node.x]!, t, beforeAdding);
      break;
    case "binary":
      f.get(value[node.a]!).get(value[node.b]!).simd(binaryInstruction(node, nodes)!);
      break;
    case "where":
      f.get(value[node.a]!).get(value[node.b]!).get(value[node.condition]!).simd(SIMD.v128_bitselect);
      break;
    case "cast":
      // float32 → bool: non-zero (NaN included) is true; bool → float32: the mask's lanes as 1.0 or 0.0.
      if (node.dtype === "bool") f.get(value[node.x]!).get(zero).simd(SIMD.f32x4_ne);
      else {
        f.get(value[node.x]!);
        splat(f, 1).simd(SIMD.v128_and);
      }
      break;
  }
  f.set(value[i]!).mark();
}

const primitives = new Map<string, ElementwiseProgram | null>();

/**
 * The one-node program of a primitive kernel (`unary`, `binary`, `where`) on inputs of `dtypes`, or null when it
 * does not compile (another dtype, an op without a vector form): the backend's primitive kernels run through the
 * same compiled loops as fused programs.
 */
export function primitiveProgram(kind: "unary" | "binary" | "where", op: string, dtypes: readonly DType[]): ElementwiseProgram | null {
  const key = `${kind}:${op}:${dtypes.join(",")}`;
  let program = primitives.get(key);
  if (program === undefined) {
    program = null;
    if (dtypes.every((d) => VECTOR_DTYPES.has(d))) {
      const b = new ProgramBuilder(op, dtypes);
      const [x, y, z] = dtypes.map((_, i) => b.input(i));
      try {
        const built = b.build(kind === "unary" ? b.unary(op as UnaryOp, x!) : kind === "binary" ? b.binary(op as BinaryOp, x!, y!) : b.where(x!, y!, z!));
        if (compiles(built)) program = built;
      } catch {
        // A dtype the op does not take (the op layer refuses it before a kernel runs): not ours to compile.
      }
    }
    primitives.set(key, program);
  }
  return program;
}

type Run = (...args: number[]) => unknown;

/** The compiled programs of one heap, by the program's key and the inputs' step pattern. */
export class WasmPrograms {
  /**
   * Per program key: the program's candidate rewrites (rewrites.ts) and its loops by step pattern (bit i: input
   * i advances) and set of rewrites that hold (index pattern · 2^rewrites + mask); null if it does not compile.
   */
  private readonly compiled = new Map<string, { readonly runs: Map<number, Run>; readonly rewrites: readonly Rewrite[] } | null>();

  constructor(private readonly kernels: Kernels) {}

  /** Per program key: the split into host and loop parts, per mask of one-element inputs (bit i: input i). */
  private readonly splits = new Map<string, Map<number, UniformSplit>>();

  /** `program` (with `key`, writing `results`) split for the inputs of one element that `scalar` marks (cached by key and mask). */
  split(key: string, program: { readonly nodes: readonly ProgramNode[]; readonly inputs: readonly DType[] }, results: readonly number[], scalar: readonly boolean[]): UniformSplit {
    let byMask = this.splits.get(key);
    if (byMask === undefined) this.splits.set(key, (byMask = new Map<number, UniformSplit>()));
    // A leading bit for the input count: a key names only the inputs that have a node, so programs with
    // more (unread) inputs share it, and their loops take more parameters.
    let mask = 2 ** scalar.length;
    for (let i = 0; i < scalar.length; i++) if (scalar[i]) mask += 2 ** i;
    let split = byMask.get(mask);
    if (split === undefined) byMask.set(mask, (split = splitUniform(program, results, scalar)));
    return split;
  }

  /**
   * The loop for `program` with inputs stepping as `steps` and its constants taking `constants` (in node order),
   * or null when the program is left to TypeScript.
   */
  get(program: MultiOutputProgram, steps: readonly (0 | 1)[], constants: readonly number[]): Run | null {
    let table = this.compiled.get(program.key);
    if (table === undefined) {
      // The step pattern is a bit mask: more inputs than that are left to the evaluator, as are more outputs
      // than the scratch space holds rows for.
      const compiled = program.inputs.length <= 24 && program.results.length <= MAX_OUTPUTS && compiles(program);
      table = compiled ? { runs: new Map(), rewrites: rewritesOf(program.nodes, program.results) } : null;
      this.compiled.set(program.key, table);
    }
    if (table === null) return null;
    let pattern = 0;
    for (let i = 0; i < steps.length; i++) pattern |= steps[i]! << i;
    const mask = table.rewrites.length === 0 ? 0 : enabled(table.rewrites, constants);
    const index = pattern * 2 ** table.rewrites.length + mask;
    let run = table.runs.get(index);
    if (run === undefined) {
      const rewrites = table.rewrites.filter((_, r) => (mask & (1 << r)) !== 0);
      run = this.kernels.get(`program:${program.key}:${pattern}:${mask}`, (m) => {
        emitProgram(m, { nodes: program.nodes, inputs: program.inputs, result: program.results[0]!, key: program.key }, steps, program.results, rewrites);
      }).run!;
      table.runs.set(index, run);
    }
    return run;
  }
}
