import * as nt from "@neurite/tensor-core";
import type { Backend, DType, Tensor } from "@neurite/tensor-core";
import { seeded } from "./harness.js";

/**
 * Differential testing of a backend against backend-cpu: random programs of tensor-core ops (random ranks
 * 0–4, shapes with size-1 and empty axes, broadcasting in both directions, float32 / int32 / bool), run on
 * both backends with every intermediate value compared.
 *
 * A program is plain data: a list of nodes, each a literal leaf or one tensor-core call whose arguments
 * refer to earlier nodes. The same data is run by `runProgram`, shrunk by `shrink` and printed by
 * `printProgram` as TypeScript, so a failure prints exactly what ran, with the literal input values.
 *
 * Values are "exact" when both backends must hold them bit for bit: uploaded leaves, int32 and bool
 * arithmetic, and what movement, max/min, abs/neg, casts and comparisons make of exact values. Ops that are
 * discontinuous (floor, round, sign, comparisons, argmax, float → int casts) only take exact inputs, since a
 * last-bit difference would change their result; float arithmetic results are compared within tolerance.
 */

// --- programs as data ---

export type Literal = number | string | boolean | readonly Literal[] | { readonly [key: string]: Literal };
export interface Ref {
  readonly $ref: number;
}
/** `nt[$call](...args)`, then `[pick]` of the result when given (for `split`). */
export interface Call {
  readonly $call: string;
  readonly args: readonly Arg[];
  readonly pick?: number;
}
export type Arg = Ref | Call | Literal | readonly Arg[] | { readonly [key: string]: Arg };

export interface Leaf {
  readonly kind: "leaf";
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: readonly number[];
}
export interface OpNode {
  readonly kind: "op";
  readonly expr: Call;
  /** Whether both backends must agree bit for bit (see the module comment). */
  readonly exact: boolean;
}
export type Node = Leaf | OpNode;

export interface Program {
  readonly seed: number;
  readonly nodes: readonly Node[];
}

const ref = (i: number): Ref => ({ $ref: i });
const call = (name: string, ...args: Arg[]): Call => ({ $call: name, args });

function isObject(a: Arg): a is { readonly [key: string]: Arg } {
  return typeof a === "object" && !Array.isArray(a);
}
function isRef(a: Arg): a is Ref {
  return isObject(a) && "$ref" in a;
}
function isCall(a: Arg): a is Call {
  return isObject(a) && "$call" in a;
}

type AnyFunction = (...args: unknown[]) => unknown;

function evaluate(a: Arg, values: readonly Tensor[]): unknown {
  if (typeof a !== "object") return a;
  if (Array.isArray(a)) return (a as readonly Arg[]).map((x) => evaluate(x, values));
  if (isRef(a)) return values[a.$ref]!;
  if (isCall(a)) {
    const fn = (nt as unknown as Record<string, AnyFunction | undefined>)[a.$call];
    if (fn === undefined) throw new Error(`test bug: tensor-core has no ${a.$call}`);
    const result = fn(...a.args.map((x) => evaluate(x, values)));
    return a.pick === undefined ? result : (result as unknown[])[a.pick];
  }
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, evaluate(v, values)]));
}

/** The refs an argument reads. */
function refsOf(a: Arg, out: Set<number> = new Set()): Set<number> {
  if (typeof a !== "object") return out;
  if (Array.isArray(a)) for (const x of a as readonly Arg[]) refsOf(x, out);
  else if (isRef(a)) out.add(a.$ref);
  else if (isCall(a)) for (const x of a.args) refsOf(x, out);
  else for (const v of Object.values(a)) refsOf(v, out);
  return out;
}

function renumber(a: Arg, map: ReadonlyMap<number, number>): Arg {
  if (typeof a !== "object") return a;
  if (Array.isArray(a)) return (a as readonly Arg[]).map((x) => renumber(x, map));
  if (isRef(a)) return ref(map.get(a.$ref)!);
  if (isCall(a)) return { ...a, args: a.args.map((x) => renumber(x, map)) };
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, renumber(v, map)]));
}

export interface Run {
  readonly values: Tensor[];
  /** Set when a node threw: its index and the error. */
  readonly error?: { readonly at: number; readonly message: string };
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs `program` on `backend` (made the current backend); the caller disposes `values`. `stepwise` reads each
 * value as soon as it is made, so that a GPU error (reported at the next read) is pinned to its node.
 */
export async function runProgram(program: Program, backend: Backend, stepwise = false): Promise<Run> {
  await nt.setBackend(backend);
  const values: Tensor[] = [];
  for (const [i, node] of program.nodes.entries()) {
    let t: Tensor;
    try {
      t =
        node.kind === "leaf"
          ? nt.tensor([...node.values], { shape: node.shape, dtype: node.dtype })
          : nt.tidy(() => {
              const result = evaluate(node.expr, values);
              if (!(result instanceof nt.Tensor)) throw new Error(`test bug: ${node.expr.$call} returned no tensor`);
              return result;
            });
    } catch (error) {
      return { values, error: { at: i, message: messageOf(error) } };
    }
    if (stepwise) {
      try {
        await t.data();
      } catch (error) {
        t.dispose();
        return { values, error: { at: i, message: messageOf(error) } };
      }
    }
    values.push(t);
  }
  return { values };
}

/**
 * Runs `program` on `backend` and compares with `expected`. A GPU command that failed surfaces at the next
 * read, whichever value it belongs to: the program then runs again reading every value at once, to name
 * the node that failed.
 */
export async function differ(program: Program, expected: Run, backend: Backend): Promise<Mismatch | undefined> {
  const actual = await runProgram(program, backend);
  let readError: unknown;
  try {
    return await compareRuns(program, expected, actual);
  } catch (error) {
    readError = error;
  } finally {
    disposeRun(actual);
  }
  const stepwise = await runProgram(program, backend, true);
  try {
    const mismatch = await compareRuns(program, expected, stepwise);
    return mismatch ?? { at: program.nodes.length - 1, message: `a read failed (not reproduced reading each value): ${messageOf(readError)}` };
  } catch (error) {
    return { at: program.nodes.length - 1, message: `a read failed: ${messageOf(error)}` };
  } finally {
    disposeRun(stepwise);
  }
}

export function disposeRun(run: Run): void {
  for (const t of run.values) t.dispose();
}

export interface Mismatch {
  readonly at: number;
  readonly message: string;
}

export const TOLERANCE = { atol: 2e-4, rtol: 2e-4 };

/**
 * Exact agreement, NaN matching NaN. −0 matches +0: the backends order signed zeros differently in
 * max/min (backend-cpu's `maximum` is Math.max, its reductions keep the first of equal values; WGSL's keep
 * the second), which no op in the contract pins down.
 */
function same(a: number, e: number): boolean {
  return a === e || (Number.isNaN(a) && Number.isNaN(e));
}

function close(a: number, e: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(e);
}

/** The first node whose value differs (dtype, shape, or an element), or where only one backend threw. */
export async function compareRuns(program: Program, expected: Run, actual: Run): Promise<Mismatch | undefined> {
  const count = Math.min(expected.values.length, actual.values.length);
  const [want, got] = await Promise.all([
    Promise.all(expected.values.slice(0, count).map((t) => t.data())),
    Promise.all(actual.values.slice(0, count).map((t) => t.data())),
  ]);
  for (let k = 0; k < count; k++) {
    const e = expected.values[k]!;
    const a = actual.values[k]!;
    if (a.dtype !== e.dtype) return { at: k, message: `dtype ${a.dtype}, expected ${e.dtype}` };
    if (a.shape.join() !== e.shape.join() || a.rank !== e.rank) return { at: k, message: `shape [${a.shape.join(", ")}], expected [${e.shape.join(", ")}]` };
    const node = program.nodes[k]!;
    const exact = node.kind === "leaf" || node.exact || e.dtype !== "float32";
    const w = want[k]!;
    const g = got[k]!;
    for (let i = 0; i < w.length; i++) {
      const ev = w[i]!;
      const av = g[i]!;
      if (exact ? !same(av, ev) : !close(av, ev)) {
        const how = exact ? "exactly" : `within atol ${TOLERANCE.atol}, rtol ${TOLERANCE.rtol}`;
        return { at: k, message: `element ${i} is ${literal(av)}, expected ${literal(ev)} (${how})` };
      }
    }
  }
  if (actual.error !== undefined && actual.error.at === count) {
    return { at: count, message: `webgpu threw where backend-cpu did not: ${actual.error.message}` };
  }
  if (expected.error !== undefined && expected.error.at === count) {
    return { at: count, message: `backend-cpu threw where webgpu did not: ${expected.error.message}` };
  }
  return undefined;
}

// --- printing ---

function literal(v: number): string {
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

function print(a: Arg): string {
  if (typeof a === "number") return literal(a);
  if (typeof a === "string") return JSON.stringify(a);
  if (typeof a === "boolean") return String(a);
  if (Array.isArray(a)) return `[${(a as readonly Arg[]).map(print).join(", ")}]`;
  if (isRef(a)) return `v${a.$ref}`;
  if (isCall(a)) return `nt.${a.$call}(${a.args.map(print).join(", ")})${a.pick === undefined ? "" : `[${a.pick}]`}`;
  const entries = Object.entries(a);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${print(v)}`).join(", ")} }`;
}

export function printNode(node: Node): string {
  if (node.kind === "op") return print(node.expr);
  return `nt.tensor(${print(node.values)}, { shape: ${print(node.shape)}, dtype: ${JSON.stringify(node.dtype)} })`;
}

/** The program as a runnable TypeScript module that prints the last value on both backends. */
export function printProgram(program: Program, note: string): string {
  const last = program.nodes.length - 1;
  return [
    `// ${note}`,
    `import * as nt from "@neurite/tensor-core";`,
    `import { cpu } from "@neurite/backend-cpu";`,
    `import { webgpu } from "@neurite/backend-webgpu";`,
    `import { create } from "webgpu";`,
    ``,
    `const gpu = create([]);`,
    `for (const backend of [cpu(), await webgpu({ gpu })]) {`,
    `  await nt.setBackend(backend);`,
    ...program.nodes.map((node, i) => `  const v${i} = ${printNode(node)};`),
    `  console.log(v${last}.dtype, v${last}.shape, Array.from(await v${last}.data()));`,
    `}`,
  ].join("\n");
}

// --- generation ---

interface Meta {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly exact: boolean;
  /**
   * May hold NaN or ±Infinity. Products of such values with inexact ones are not generated: ∞ times a
   * value that one backend rounds to 0 and the other to 1e-9 would be NaN on one and ∞ on the other.
   */
  readonly special: boolean;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function broadcastable(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i]!;
    const y = b[b.length - i]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

function broadcastShape(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  return Array.from({ length: rank }, (_, i) => {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    return x === 1 ? y : x;
  });
}

/** Thrown when the generator made a call that backend-cpu refuses: a bug in the generator. */
export class GeneratorError extends Error {}

/** Random programs from a seed; each new node is run on backend-cpu at once to learn its shape. */
class Generator {
  readonly nodes: Node[] = [];
  readonly meta: Meta[] = [];
  readonly values: Tensor[] = [];
  private readonly rand: () => number;

  constructor(readonly seed: number) {
    this.rand = seeded(seed * 2654435761);
    // Warm the LCG: nearby seeds start far apart.
    for (let i = 0; i < 3; i++) this.rand();
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo));
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(0, xs.length)]!;
  }
  shuffle<T>(xs: readonly T[]): T[] {
    const out = [...xs];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  dim(): number {
    return this.chance(0.03) ? 0 : this.pick([1, 1, 2, 2, 3, 3, 4, 5]);
  }
  shape(minRank = 0, maxRank = 4): number[] {
    const rank = this.pick([0, 1, 1, 2, 2, 2, 3, 3, 4].filter((r) => r >= minRank && r <= maxRank).concat([minRank]));
    const shape = Array.from({ length: rank }, () => this.dim());
    while (sizeOf(shape) > 48) {
      const i = this.int(0, rank);
      shape[i] = Math.max(1, Math.floor(shape[i]! / 2));
    }
    return shape;
  }
  value(dtype: DType): number {
    if (dtype === "bool") return this.int(0, 2);
    if (dtype === "int32") return this.int(-9, 10);
    return Math.fround(this.int(-40, 41) / 8);
  }
  /** A leaf's values: mostly small, sometimes with int32 extremes or float specials. */
  leafValues(dtype: DType, count: number): number[] {
    const unusual = dtype === "int32" ? [2147483647, -2147483648, 65536, -46341, 1 << 30] : dtype === "float32" ? [Number.NaN, Infinity, -Infinity, -0] : [];
    const rate = unusual.length > 0 && this.chance(0.08) ? 0.3 : 0;
    return Array.from({ length: count }, () => (this.chance(rate) ? this.pick(unusual) : this.value(dtype)));
  }

  private record(node: Node): number {
    const values = this.values;
    const run = (): Tensor => {
      if (node.kind === "leaf") return nt.tensor([...node.values], { shape: node.shape, dtype: node.dtype });
      return nt.tidy(() => evaluate(node.expr, values) as Tensor);
    };
    let t: Tensor;
    try {
      t = run();
    } catch (error) {
      const program = { seed: this.seed, nodes: [...this.nodes, node] };
      throw new GeneratorError(`generator bug (seed ${this.seed}): backend-cpu refused the program\n${messageOf(error)}\n${printProgram(program, "")}`);
    }
    const special =
      node.kind === "leaf"
        ? node.values.some((v) => !Number.isFinite(v)) && node.dtype === "float32"
        : [...refsOf(node.expr)].some((r) => this.meta[r]!.special) && t.dtype === "float32";
    this.nodes.push(node);
    this.values.push(t);
    this.meta.push({ shape: t.shape, dtype: t.dtype, exact: node.kind === "leaf" || node.exact || t.dtype !== "float32", special });
    return this.nodes.length - 1;
  }

  /** A new leaf; `plain` leaves hold no NaN or infinities (to multiply an inexact value with). */
  leaf(shape: readonly number[], dtype: DType, plain = false): number {
    const values = plain ? Array.from({ length: sizeOf(shape) }, () => this.value(dtype)) : this.leafValues(dtype, sizeOf(shape));
    return this.record({ kind: "leaf", shape, dtype, values });
  }
  op(expr: Call, exact: boolean): number {
    return this.record({ kind: "op", expr, exact });
  }

  /** An earlier node satisfying `ok` (small enough to grow), or a new leaf from `make`. */
  input(ok: (m: Meta) => boolean, make: () => number, reuse = 0.8): number {
    const candidates = this.meta.flatMap((m, i) => (ok(m) && sizeOf(m.shape) <= 192 ? [i] : []));
    if (candidates.length === 0 || !this.chance(reuse)) return make();
    // Mostly the latest values, so that programs grow deep rather than wide.
    return this.pick(this.chance(0.6) ? candidates.slice(-2) : candidates);
  }

  /** A shape that broadcasts with `shape`: a suffix with some axes set to 1, or a larger one. */
  partnerShape(shape: readonly number[]): number[] {
    if (this.chance(0.55)) {
      const suffix = shape.slice(this.int(0, shape.length + 1));
      return suffix.map((d) => (this.chance(0.35) ? 1 : d));
    }
    const grown = shape.map((d) => (d === 1 && this.chance(0.5) ? this.pick([2, 3]) : d));
    const extra = Array.from({ length: this.int(0, 5 - shape.length) }, () => this.pick([1, 2, 3]));
    const out = [...extra, ...grown];
    return sizeOf(out) > 192 ? [...grown] : out;
  }

  /** A node (earlier or new) of `dtype` whose shape broadcasts with `shape`. */
  partner(shape: readonly number[], dtype: DType, exact = false, ok: (m: Meta) => boolean = () => true): number {
    return this.input(
      (m) => m.dtype === dtype && (!exact || m.exact) && broadcastable(m.shape, shape) && ok(m),
      () => this.leaf(this.partnerShape(shape), dtype),
      0.4,
    );
  }

  /** Whether a product of `m` with another value is safe: exact or free of infinities and NaN. */
  static productSafe(m: Meta): boolean {
    return m.exact || !m.special;
  }

  float(exact = false): number {
    return this.input((m) => m.dtype === "float32" && (!exact || m.exact), () => this.leaf(this.shape(), "float32"));
  }
  any(): number {
    return this.input(() => true, () => this.leaf(this.shape(), this.pick(["float32", "float32", "int32", "bool"])));
  }

  axis(rank: number): number {
    const a = this.int(0, rank);
    return this.chance(0.3) ? a - rank : a;
  }

  // --- the op families ---

  unaryFloat(): void {
    const x = this.float();
    const m = this.meta[x]!;
    const X = ref(x);
    const kept: Record<string, Call> = {
      neg: call("neg", X),
      abs: call("abs", X),
      relu: call("relu", X),
      clip: call("clip", X, this.int(-12, 1) / 4, this.int(0, 13) / 4),
    };
    const bounded = m.exact ? X : call("tanh", X);
    const smooth: Record<string, Call> = {
      tanh: call("tanh", X),
      sin: call("sin", m.exact ? X : call("mul", bounded, 3)),
      cos: call("cos", m.exact ? X : call("mul", bounded, 3)),
      sigmoid: call("sigmoid", X),
      softsign: call("softsign", X),
      softplus: call("softplus", X),
      logSigmoid: call("logSigmoid", X),
      leakyRelu: call("leakyRelu", X, this.pick([0.01, 0.2, 0.5])),
      exp: call("exp", call("tanh", X)),
      expm1: call("expm1", call("tanh", X)),
      log1p: call("log1p", call("abs", X)),
      log: call("log", call("add", call("abs", X), 0.5)),
      sqrt: call("sqrt", call("abs", X)),
      square: call("square", bounded),
      reciprocal: call("reciprocal", call("add", call("abs", X), 1)),
    };
    if (this.chance(0.3)) this.op(this.pick(Object.values(kept)), m.exact);
    else this.op(this.pick(Object.values(smooth)), false);
  }

  unaryInt(): void {
    const x = this.input((m) => m.dtype === "int32", () => this.leaf(this.shape(), "int32"));
    const X = ref(x);
    this.op(this.pick([call("neg", X), call("abs", X), call("sign", X), call("relu", X), call("step", X), call("square", X), call("clip", X, this.int(-5, 1), this.int(0, 6))]), true);
  }

  exactFloat(): void {
    const x = this.float(true);
    const X = ref(x);
    this.op(
      this.pick([
        call("floor", X),
        call("ceil", X),
        call("round", X),
        call("sign", X),
        call("step", X),
        call("isNaN", X),
        call("cast", X, "int32"),
        call("cast", X, "bool"),
        call("round", call("mul", X, 2)),
      ]),
      true,
    );
  }

  binaryArith(): void {
    const x = this.input(
      (m) => (m.dtype === "float32" && Generator.productSafe(m)) || m.dtype === "int32",
      () => this.leaf(this.shape(), this.pick(["float32", "int32"])),
    );
    const m = this.meta[x]!;
    const float = m.dtype === "float32";
    const useScalar = this.chance(0.15);
    // Both exact where either may be infinite or NaN (see Meta.special).
    const y = useScalar ? -1 : this.partner(m.shape, m.dtype, m.special, (o) => (m.exact ? Generator.productSafe(o) : !o.special));
    const Y: Arg = useScalar ? (float ? this.value("float32") : this.int(-5, 6)) : ref(y);
    const exactInputs = m.exact && (useScalar || this.meta[y]!.exact);
    const X = ref(x);
    const swap = this.chance(0.3);
    const [a, b] = swap ? [Y, X] : [X, Y];
    const ops = float ? ["add", "sub", "mul", "maximum", "minimum", "div", "pow"] : ["add", "sub", "mul", "maximum", "minimum"];
    const op = this.pick(ops);
    if (!float) {
      this.op(call(op, a, b), true);
      return;
    }
    if (op === "maximum" || op === "minimum") {
      this.op(call(op, a, b), exactInputs);
      return;
    }
    let expr: Call;
    if (op === "div") expr = call("div", X, typeof Y === "number" ? (Math.abs(Y) || 1) + 0.5 : call("add", call("abs", Y), 0.5));
    else if (op === "pow") expr = call("pow", call("add", call("abs", X), 0.5), typeof Y === "number" ? Math.max(-2, Math.min(2, Y)) : call("tanh", Y));
    else expr = call(op, a, b);
    // Bounded inputs keep rounding errors small; a chain of products or quotients would not stay bounded.
    this.op(exactInputs && op !== "div" && op !== "pow" ? expr : call("tanh", expr), false);
  }

  compare(): void {
    const x = this.input((m) => m.exact, () => this.leaf(this.shape(), this.pick(["float32", "int32", "bool"])));
    const m = this.meta[x]!;
    const op = m.dtype === "bool" ? this.pick(["equal", "notEqual"]) : this.pick(["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"]);
    const other: Arg = m.dtype !== "bool" && this.chance(0.2) ? this.value(m.dtype) : ref(this.partner(m.shape, m.dtype, true));
    this.op(this.chance(0.3) ? call(op, other, ref(x)) : call(op, ref(x), other), true);
  }

  logical(): void {
    const x = this.input((m) => m.dtype === "bool", () => this.leaf(this.shape(), "bool"));
    if (this.chance(0.3)) {
      this.op(call("logicalNot", ref(x)), true);
      return;
    }
    const y = this.partner(this.meta[x]!.shape, "bool");
    this.op(call(this.pick(["logicalAnd", "logicalOr"]), ref(x), ref(y)), true);
  }

  where(): void {
    const a = this.any();
    const ma = this.meta[a]!;
    const c = this.partner(ma.shape, "bool");
    const shape = broadcastShape(ma.shape, this.meta[c]!.shape);
    const useScalar = ma.dtype !== "bool" && this.chance(0.2);
    const b: Arg = useScalar ? this.value(ma.dtype) : ref(this.partner(shape, ma.dtype));
    const exact = ma.exact && (useScalar || this.meta[(b as Ref).$ref]!.exact);
    this.op(this.chance(0.5) ? call("where", ref(c), ref(a), b) : call("where", ref(c), b, ref(a)), exact);
  }

  cast(): void {
    const x = this.input((m) => m.dtype !== "float32", () => this.leaf(this.shape(), this.pick(["int32", "bool"])));
    const m = this.meta[x]!;
    const to = this.pick((["float32", "int32", "bool"] as const).filter((d) => d !== m.dtype));
    // int32 → float32 rounds above 2²⁴.
    this.op(call("cast", ref(x), to), !(m.dtype === "int32" && to === "float32"));
  }

  axes(rank: number): Arg[] {
    if (this.chance(0.2)) return [];
    if (rank > 0 && this.chance(0.4)) return [this.axis(rank)];
    return [this.shuffle(Array.from({ length: rank }, (_, i) => i)).slice(0, this.int(0, rank + 1))];
  }

  reduce(): void {
    const x = this.any();
    const m = this.meta[x]!;
    const axes = this.axes(m.shape.length);
    const args = (...first: Arg[]): Arg[] => {
      const keep = this.chance(0.4);
      if (axes.length === 0) return keep ? [...first, [...Array.from({ length: m.shape.length }, (_, i) => i)], true] : first;
      return [...first, ...axes, keep];
    };
    const X = ref(x);
    if (m.dtype === "bool") {
      this.op(call(this.pick(["max", "min"]), ...args(X)), true);
    } else if (m.dtype === "int32") {
      this.op(call(this.pick(["sum", "prod", "max", "min"]), ...args(X)), true);
    } else {
      const op = this.pick(["sum", "mean", "max", "min", "prod", "logSumExp"]);
      if (op === "max" || op === "min") this.op(call(op, ...args(X)), m.exact);
      else this.op(call(op, ...args(op === "prod" && !m.exact ? call("tanh", X) : X)), false);
    }
  }

  argReduce(): void {
    const x = this.input((m) => m.exact && m.dtype !== "bool" && sizeOf(m.shape) > 0, () => this.leaf(this.shape().map((d) => d || 1), this.pick(["float32", "int32"])));
    const m = this.meta[x]!;
    const op = this.pick(["argmax", "argmin"]);
    const axes = m.shape.flatMap((d, i) => (d > 0 ? [i] : []));
    if (axes.length === 0 || this.chance(0.25)) this.op(call(op, ref(x)), true);
    else this.op(call(op, ref(x), this.pick(axes) - (this.chance(0.3) ? m.shape.length : 0), this.chance(0.4)), true);
  }

  reshapeTarget(shape: readonly number[]): number[] {
    const size = sizeOf(shape);
    if (size === 0) return this.shuffle([0, ...Array.from({ length: this.int(0, 3) }, () => this.pick([1, 2, 3]))]);
    const dims: number[] = [];
    let rest = size;
    while (rest > 1 && dims.length < 3) {
      const divisors = Array.from({ length: rest }, (_, i) => i + 1).filter((d) => rest % d === 0 && d > 1);
      const d = this.pick(divisors);
      dims.push(d);
      rest /= d;
    }
    if (rest > 1) dims.push(rest);
    const out = this.shuffle([...dims, ...Array.from({ length: this.int(0, 2) }, () => 1)]);
    if (out.length > 0 && this.chance(0.3)) out[this.int(0, out.length)] = -1;
    return out;
  }

  movement(): void {
    const x = this.any();
    const m = this.meta[x]!;
    const X = ref(x);
    const rank = m.shape.length;
    const exact = m.exact;
    const kind = this.pick(["transpose", "reshape", "expandDims", "squeeze", "broadcastTo", "slice", "stridedSlice", "concat", "stack", "split", "pad"]);
    switch (kind) {
      case "transpose":
        this.op(this.chance(0.2) ? call("transpose", X) : call("transpose", X, this.shuffle(Array.from({ length: rank }, (_, i) => i))), exact);
        return;
      case "reshape":
        this.op(call("reshape", X, this.reshapeTarget(m.shape)), exact);
        return;
      case "expandDims":
        this.op(call("expandDims", X, this.int(-rank - 1, rank + 1)), exact);
        return;
      case "squeeze": {
        const ones = m.shape.flatMap((d, i) => (d === 1 ? [i] : []));
        this.op(ones.length > 0 && this.chance(0.5) ? call("squeeze", X, this.shuffle(ones).slice(0, this.int(1, ones.length + 1))) : call("squeeze", X), exact);
        return;
      }
      case "broadcastTo": {
        const grown = m.shape.map((d) => (d === 1 && this.chance(0.6) ? this.pick([2, 3, 4]) : d));
        const target = [...Array.from({ length: this.int(0, 5 - rank) }, () => this.pick([1, 2, 3])), ...grown];
        this.op(call("broadcastTo", X, sizeOf(target) > 256 ? grown : target), exact);
        return;
      }
      case "slice": {
        const begin = m.shape.map((d) => this.int(0, d + 1));
        const size = m.shape.map((d, i) => (this.chance(0.25) ? -1 : this.int(0, d - begin[i]! + 1)));
        const negative = begin.map((b, i) => (this.chance(0.2) && b > 0 ? b - m.shape[i]! : b));
        this.op(call("slice", X, negative, size), exact);
        return;
      }
      case "stridedSlice": {
        const begin = m.shape.map((d) => this.int(-d - 1, d + 2));
        const end = m.shape.map((d) => this.int(-d - 1, d + 2));
        const steps = m.shape.map(() => this.pick([1, 1, 2, 3]));
        this.op(call("stridedSlice", X, begin, end, steps), exact);
        return;
      }
      case "concat": {
        if (rank === 0) {
          this.op(call("reshape", X, [1]), exact);
          return;
        }
        const axis = this.int(0, rank);
        const parts: Arg[] = [X];
        let allExact = exact;
        for (let k = this.int(1, 3); k > 0; k--) {
          const shape = m.shape.map((d, i) => (i === axis ? this.pick([0, 1, 2, 3]) : d));
          const other = this.input((o) => o.dtype === m.dtype && o.shape.length === rank && o.shape.every((d, i) => i === axis || d === m.shape[i]), () => this.leaf(shape, m.dtype), 0.5);
          allExact &&= this.meta[other]!.exact;
          parts.splice(this.int(0, parts.length + 1), 0, ref(other));
        }
        this.op(call("concat", parts, this.chance(0.3) ? axis - rank : axis), allExact);
        return;
      }
      case "stack": {
        const other = this.input((o) => o.dtype === m.dtype && o.shape.join() === m.shape.join() && o.shape.length === rank, () => this.leaf(m.shape, m.dtype), 0.5);
        this.op(call("stack", this.shuffle([X, ref(other)]), this.int(-rank - 1, rank + 1)), exact && this.meta[other]!.exact);
        return;
      }
      case "split": {
        if (rank === 0) {
          this.op(call("clone", X), exact);
          return;
        }
        const axis = this.int(0, rank);
        const d = m.shape[axis]!;
        const divisors = Array.from({ length: Math.max(d, 1) }, (_, i) => i + 1).filter((k) => d % k === 0);
        if (d > 0 && this.chance(0.5)) {
          const n = this.pick(divisors);
          this.op({ ...call("split", X, n, axis), pick: this.int(0, n) }, exact);
        } else {
          const cut = this.int(0, d + 1);
          const sizes = this.chance(0.5) ? [cut, d - cut] : [d - cut, 0, cut];
          this.op({ ...call("split", X, sizes, axis), pick: this.int(0, sizes.length) }, exact);
        }
        return;
      }
      default: {
        const paddings = m.shape.map(() => [this.int(0, 3), this.int(0, 2)]);
        const value = m.dtype === "bool" ? this.int(0, 2) : m.dtype === "int32" ? this.int(-3, 4) : this.pick([0, -1.25, 2.5]);
        this.op(call("pad", X, paddings, value), exact);
      }
    }
  }

  indexing(): void {
    const kind = this.pick(["gather", "gather", "scatterAdd", "oneHot"]);
    if (kind === "oneHot") {
      const x = this.input((m) => m.dtype === "int32" && m.exact && sizeOf(m.shape) <= 48, () => this.leaf(this.shape(0, 3), "int32"));
      const depth = this.int(1, 6);
      const options = this.chance(0.5) ? { onValue: this.int(-2, 4), offValue: this.int(-2, 2), dtype: this.pick(["float32", "int32"]) } : { dtype: this.pick(["float32", "int32", "bool"]) };
      this.op(call("oneHot", ref(x), depth, options), true);
      return;
    }
    if (kind === "gather") {
      const x = this.input((m) => m.shape.length > 0, () => this.leaf(this.shape(1), this.pick(["float32", "int32", "bool"])));
      const m = this.meta[x]!;
      const axis = this.int(0, m.shape.length);
      const d = m.shape[axis]!;
      const shape = d === 0 ? [0] : this.shape(0, 2).map((k) => Math.min(k, 4));
      const idx = Array.from({ length: sizeOf(shape) }, () => this.int(0, d));
      this.op(call("gather", ref(x), call("tensor", idx, { shape, dtype: "int32" }), this.chance(0.3) ? axis - m.shape.length : axis), m.exact);
      return;
    }
    const x = this.input((m) => m.shape.length > 0 && m.dtype !== "bool", () => this.leaf(this.shape(1), this.pick(["float32", "int32"])));
    const m = this.meta[x]!;
    const axis = this.int(0, m.shape.length);
    const size = this.int(1, 5);
    const out = m.shape.map((d, i) => (i === axis ? size : d));
    const idx = Array.from({ length: m.shape[axis]! }, () => this.int(0, size));
    this.op(call("scatterAdd", ref(x), call("tensor", idx, { dtype: "int32" }), axis, out), m.dtype !== "float32");
  }

  matmul(): void {
    const dtype = this.pick(["float32", "float32", "int32"] as const);
    const k = this.int(1, 6);
    const [mRows, n] = [this.int(1, 5), this.int(1, 5)];
    const batch = Array.from({ length: this.int(0, 3) }, () => this.pick([1, 2, 3]));
    if (this.chance(0.35)) {
      const x = this.input((o) => o.dtype === dtype && o.shape.length >= 2 && o.shape.at(-1)! <= 8 && Generator.productSafe(o), () => this.leaf([...batch, mRows, k], dtype));
      const xs = this.meta[x]!.shape;
      const plain = !this.meta[x]!.exact;
      const inner = xs.at(-1)!;
      const w = this.leaf([inner, n], dtype, plain);
      const product = [...xs.slice(0, -1), n];
      const biasShape = this.pick([[n], [1], [1, n], product.slice(-2).map((d, i) => (i === 0 && this.chance(0.5) ? 1 : d))]);
      const activation = dtype === "int32" ? this.pick(["linear", "relu"]) : this.pick(["linear", "relu", "sigmoid", "tanh"]);
      const bias = this.chance(0.8) ? ref(this.leaf(biasShape, dtype, plain)) : null;
      this.op(bias === null ? call("linear", ref(x), ref(w)) : call("linear", ref(x), ref(w), bias, activation), dtype === "int32");
      return;
    }
    const ta = this.chance(0.3);
    const tb = this.chance(0.3);
    const aVector = this.chance(0.15);
    const bVector = this.chance(0.15);
    const a = this.input(
      (o) => o.dtype === dtype && o.shape.length >= (aVector ? 1 : 2) && o.shape.length <= (aVector ? 1 : 4) && o.shape.at(-1)! <= 8 && (o.shape.at(-2) ?? 1) <= 8 && Generator.productSafe(o),
      () => this.leaf(aVector ? [k] : ta ? [...batch, k, mRows] : [...batch, mRows, k], dtype),
      0.5,
    );
    const as = this.meta[a]!.shape;
    const inner = as.length === 1 ? as[0]! : ta ? as.at(-2)! : as.at(-1)!;
    const bBatch = as.length <= 2 ? batch.slice(this.int(0, batch.length + 1)) : this.partnerShape(as.slice(0, -2)).slice(-2);
    const bShape = bVector ? [inner] : tb ? [...bBatch, n, inner] : [...bBatch, inner, n];
    const b = this.leaf(bShape, dtype, !this.meta[a]!.exact);
    const options = ta || tb ? [{ ...(ta ? { transposeA: true } : {}), ...(tb ? { transposeB: true } : {}) }] : [];
    this.op(call("matmul", ref(a), ref(b), ...options), dtype === "int32");
  }

  softmax(): void {
    const x = this.input((m) => m.dtype === "float32" && m.shape.length > 0, () => this.leaf(this.shape(1), "float32"));
    const rank = this.meta[x]!.shape.length;
    const axis: Arg[] = this.chance(0.4) ? [] : [this.axis(rank)];
    this.op(call(this.pick(["softmax", "logSoftmax"]), ref(x), ...axis), false);
  }

  window(): void {
    const nchw = this.chance(0.25);
    const x = this.input(
      (m) => m.dtype === "float32" && m.shape.length === 4 && m.shape.every((d) => d > 0) && m.shape[1]! <= 6 && m.shape[2]! <= 6 && m.shape[3]! <= 4 && Generator.productSafe(m),
      () => this.leaf([this.int(1, 3), this.int(1, 6), this.int(1, 6), this.int(1, 4)], "float32"),
      0.5,
    );
    const shape = this.meta[x]!.shape;
    const [h, w] = nchw ? [shape[2]!, shape[3]!] : [shape[1]!, shape[2]!];
    const channels = nchw ? shape[1]! : shape[3]!;
    const kind = this.pick(["conv2d", "maxPool2d", "avgPool2d"]);
    const options: Record<string, Literal> = {};
    const kh = this.int(1, Math.min(h, 3) + 1);
    const kw = this.int(1, Math.min(w, 3) + 1);
    if (this.chance(0.5)) options.stride = this.chance(0.5) ? this.int(1, 3) : [this.int(1, 3), this.int(1, 3)];
    const padding = this.pick(["valid", "same", "number"]);
    if (padding === "number") options.padding = this.int(0, 2);
    else if (padding === "same" || this.chance(0.5)) options.padding = padding;
    if (kind === "conv2d" && this.chance(0.3) && 2 * kh - 1 <= h && 2 * kw - 1 <= w) options.dilation = 2;
    if (nchw) options.dataFormat = "NCHW";
    if (kind === "conv2d") {
      const filter = this.leaf([kh, kw, channels, this.int(1, 4)], "float32", !this.meta[x]!.exact);
      this.op(call("conv2d", ref(x), ref(filter), options), false);
    } else {
      options.poolSize = kh === kw && this.chance(0.5) ? kh : [kh, kw];
      this.op(call(kind, ref(x), options), kind === "maxPool2d" && this.meta[x]!.exact);
    }
  }

  creation(): void {
    const kind = this.pick(["randomUniform", "randomNormal", "full", "arange", "eye"]);
    const seed = this.int(0, 1000);
    switch (kind) {
      case "randomUniform": {
        const plain = this.chance(0.5);
        this.op(call("randomUniform", this.shape(), plain ? { seed } : { seed, min: -2, max: 3 }), plain);
        return;
      }
      case "randomNormal":
        this.op(call("randomNormal", this.shape(), { seed, std: this.pick([1, 0.5]) }), false);
        return;
      case "full": {
        const dtype = this.pick(["float32", "int32", "bool"] as const);
        this.op(call("full", this.shape(), this.value(dtype), { dtype }), true);
        return;
      }
      case "arange":
        this.op(this.chance(0.5) ? call("arange", this.int(0, 7)) : call("arange", this.int(-3, 3), this.int(3, 9), this.int(1, 3), { dtype: "float32" }), true);
        return;
      default:
        this.op(call("eye", this.int(1, 5), this.int(1, 5), { dtype: this.pick(["float32", "int32", "bool"]) }), true);
    }
  }

  step(): void {
    const family = this.pick([
      ...Array<string>(5).fill("unaryFloat"),
      ...Array<string>(2).fill("exactFloat"),
      "unaryInt",
      ...Array<string>(6).fill("binaryArith"),
      ...Array<string>(3).fill("compare"),
      "logical",
      ...Array<string>(2).fill("where"),
      "cast",
      ...Array<string>(3).fill("reduce"),
      "argReduce",
      ...Array<string>(6).fill("movement"),
      ...Array<string>(2).fill("indexing"),
      ...Array<string>(2).fill("matmul"),
      "softmax",
      "window",
      "creation",
    ]);
    (this as unknown as Record<string, () => void>)[family]!.call(this);
  }
}

/**
 * A random program of `steps` ops (leaves are made as the ops need them), with its values on `reference`
 * (made the current backend). The caller disposes the run.
 */
export async function generate(seed: number, steps: number, reference: Backend): Promise<{ program: Program; expected: Run }> {
  await nt.setBackend(reference);
  const g = new Generator(seed);
  try {
    for (let i = 0; i < 2; i++) g.leaf(g.shape(), g.pick(["float32", "float32", "int32", "bool"]));
    let ops = 0;
    while (ops < steps) {
      const before = g.nodes.length;
      g.step();
      ops += g.nodes.length > before ? 1 : 0;
    }
  } catch (error) {
    for (const t of g.values) t.dispose();
    throw error;
  }
  return { program: { seed, nodes: g.nodes }, expected: { values: g.values } };
}

// --- shrinking ---

/** Keeps the nodes `target` depends on (and `target`), renumbered. */
export function ancestors(program: Program, target: number): Program {
  const keep = new Set<number>([target]);
  for (let i = target; i >= 0; i--) {
    const node = program.nodes[i]!;
    if (keep.has(i) && node.kind === "op") for (const r of refsOf(node.expr)) keep.add(r);
  }
  const order = [...keep].sort((a, b) => a - b);
  const map = new Map(order.map((old, i) => [old, i]));
  return {
    seed: program.seed,
    nodes: order.map((i) => {
      const node = program.nodes[i]!;
      return node.kind === "leaf" ? node : { ...node, expr: renumber(node.expr, map) as Call };
    }),
  };
}

function topCall(program: Program, at: number): string {
  const node = program.nodes[at];
  return node?.kind === "op" ? node.expr.$call : "tensor";
}

/** The first (or, with `last`, the last) corner of a row-major `values` of `shape` that has `smaller` shape. */
function corner(values: readonly number[], shape: readonly number[], smaller: readonly number[], last = false): number[] {
  const out: number[] = [];
  const strides = shape.map((_, i) => sizeOf(shape.slice(i + 1)));
  const total = sizeOf(smaller);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let offset = 0;
    for (let i = smaller.length - 1; i >= 0; i--) {
      offset += ((rest % smaller[i]!) + (last ? shape[i]! - smaller[i]! : 0)) * strides[i]!;
      rest = Math.floor(rest / smaller[i]!);
    }
    out.push(values[offset]!);
  }
  return out;
}

export interface Failure {
  readonly program: Program;
  readonly mismatch: Mismatch;
}

/** Runs `program` on both backends: the first mismatch, or undefined (also when backend-cpu refuses it). */
export async function check(program: Program, reference: Backend, backend: Backend): Promise<Mismatch | undefined> {
  const expected = await runProgram(program, reference);
  try {
    if (expected.error !== undefined) return undefined;
    return await differ(program, expected, backend);
  } finally {
    disposeRun(expected);
  }
}

/**
 * A smaller program that fails the same way (at a node calling the same op): only the failing node and what
 * it depends on, intermediate values replaced by literal leaves holding backend-cpu's values, then smaller
 * leaf shapes. Tries at most `budget` candidates.
 */
export async function shrink(failure: Failure, reference: Backend, backend: Backend, budget = 250): Promise<Failure> {
  const op = topCall(failure.program, failure.mismatch.at);
  const first = ancestors(failure.program, failure.mismatch.at);
  let best: Failure = { program: first, mismatch: { ...failure.mismatch, at: first.nodes.length - 1 } };
  let tries = 0;
  const attempt = async (candidate: Program): Promise<boolean> => {
    if (tries >= budget) return false;
    tries++;
    const mismatch = await check(candidate, reference, backend);
    if (mismatch === undefined || topCall(candidate, mismatch.at) !== op) return false;
    const program = ancestors(candidate, mismatch.at);
    best = { program, mismatch: { ...mismatch, at: program.nodes.length - 1 } };
    return true;
  };

  // 1. Cut the chain: an intermediate value becomes a literal leaf with backend-cpu's values.
  for (let progress = true; progress && tries < budget; ) {
    progress = false;
    const run = await runProgram(best.program, reference);
    const data = await Promise.all(run.values.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data(), Number) })));
    disposeRun(run);
    for (let j = best.program.nodes.length - 2; j >= 0 && !progress; j--) {
      if (best.program.nodes[j]!.kind === "leaf" || data[j] === undefined) continue;
      const nodes = [...best.program.nodes];
      nodes[j] = { kind: "leaf", ...data[j]! };
      progress = await attempt(ancestors({ seed: best.program.seed, nodes }, nodes.length - 1));
    }
  }

  // 2. Smaller leaves: every occurrence of a size at once (keeps broadcasting), then one axis at a time.
  const smallerShapes = async (): Promise<void> => {
    for (let progress = true; progress && tries < budget; ) {
      progress = false;
      const nodes = best.program.nodes;
      const candidates: Program[] = [];
      const sizes = new Set(nodes.flatMap((n) => (n.kind === "leaf" ? n.shape.filter((d) => d > 1) : [])));
      for (const s of [...sizes].sort((a, b) => b - a)) {
        for (const t of new Set([1, Math.floor(s / 2), s - 1])) {
          for (const last of [false, true]) {
            candidates.push({
              seed: best.program.seed,
              nodes: nodes.map((n) => {
                if (n.kind !== "leaf") return n;
                const shape = n.shape.map((d) => (d === s ? t : d));
                return { ...n, shape, values: corner(n.values, n.shape, shape, last) };
              }),
            });
          }
        }
      }
      for (const [i, n] of nodes.entries()) {
        if (n.kind !== "leaf") continue;
        for (const [axis, d] of n.shape.entries()) {
          if (d === 1) {
            const shape = n.shape.filter((_, k) => k !== axis);
            const copy = [...nodes];
            copy[i] = { ...n, shape };
            candidates.push({ seed: best.program.seed, nodes: copy });
          }
          for (const t of new Set([1, Math.floor(d / 2), d - 1])) {
            if (t >= d || t < 1) continue;
            const shape = n.shape.map((x, k) => (k === axis ? t : x));
            for (const last of [false, true]) {
              const copy = [...nodes];
              copy[i] = { ...n, shape, values: corner(n.values, n.shape, shape, last) };
              candidates.push({ seed: best.program.seed, nodes: copy });
            }
          }
        }
      }
      for (const candidate of candidates) {
        if (await attempt(candidate)) {
          progress = true;
          break;
        }
      }
    }
  };
  await smallerShapes();

  // 3. Simpler values: each element of a small leaf set to 0 (bool: false) where the failure stays.
  for (let i = 0; i < best.program.nodes.length && tries < budget; i++) {
    for (let k = 0; k < 64 && tries < budget; k++) {
      const n = best.program.nodes[i]!;
      if (n.kind !== "leaf" || n.values.length > 64 || k >= n.values.length || Object.is(n.values[k], 0)) continue;
      const nodes = [...best.program.nodes];
      nodes[i] = { ...n, values: n.values.map((v, j) => (j === k ? 0 : v)) };
      await attempt({ seed: best.program.seed, nodes });
    }
  }
  await smallerShapes();
  return best;
}

/** The report of a failing program: what differs, and the shrunk program as TypeScript. */
export async function report(failure: Failure, reference: Backend, backend: Backend): Promise<string> {
  const small = await shrink(failure, reference, backend);
  const node = failure.program.nodes[failure.mismatch.at];
  return [
    `differential test: program seed ${failure.program.seed} differs at v${failure.mismatch.at} = ${node === undefined ? "(end)" : printNode(node)}`,
    `  ${failure.mismatch.message}`,
    `minimal reproduction (${small.program.nodes.length} values; v${small.mismatch.at}: ${small.mismatch.message}):`,
    "",
    printProgram(small.program, `webgpu and backend-cpu differ on the last value: ${small.mismatch.message}`),
  ].join("\n");
}
