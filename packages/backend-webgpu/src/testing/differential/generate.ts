import * as nt from "@neurite/tensor-core";
import type { Backend, DType, Tensor } from "@neurite/tensor-core";
import { ref, call, evaluate, refsOf, printProgram, type Literal, type Ref, type Call, type Arg, type Node, type Program } from "./program.js";
import { chainCall } from "./fused.js";
import { messageOf, type Run } from "./run.js";
import { seeded } from "../seeded.js";

/** Random programs of tensor-core ops, generated from a seed. */

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

function broadcastable(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i]!;
    const y = b[b.length - i]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
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
    while (nt.sizeOf(shape) > 48) {
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
    const values = plain ? Array.from({ length: nt.sizeOf(shape) }, () => this.value(dtype)) : this.leafValues(dtype, nt.sizeOf(shape));
    return this.record({ kind: "leaf", shape, dtype, values });
  }
  op(expr: Call, exact: boolean): number {
    return this.record({ kind: "op", expr, exact });
  }

  /** An earlier node satisfying `ok` (small enough to grow), or a new leaf from `make`. */
  input(ok: (m: Meta) => boolean, make: () => number, reuse = 0.8): number {
    const candidates = this.meta.flatMap((m, i) => (ok(m) && nt.sizeOf(m.shape) <= 192 ? [i] : []));
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
    return nt.sizeOf(out) > 192 ? [...grown] : out;
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
    const shape = nt.broadcastShapes("differential", ma.shape, this.meta[c]!.shape);
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
    const x = this.input((m) => m.exact && m.dtype !== "bool" && nt.sizeOf(m.shape) > 0, () => this.leaf(this.shape().map((d) => d || 1), this.pick(["float32", "int32"])));
    const m = this.meta[x]!;
    const op = this.pick(["argmax", "argmin"]);
    const axes = m.shape.flatMap((d, i) => (d > 0 ? [i] : []));
    if (axes.length === 0 || this.chance(0.25)) this.op(call(op, ref(x)), true);
    else this.op(call(op, ref(x), this.pick(axes) - (this.chance(0.3) ? m.shape.length : 0), this.chance(0.4)), true);
  }

  reshapeTarget(shape: readonly number[]): number[] {
    const size = nt.sizeOf(shape);
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
        this.op(call("broadcastTo", X, nt.sizeOf(target) > 256 ? grown : target), exact);
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
      const x = this.input((m) => m.dtype === "int32" && m.exact && nt.sizeOf(m.shape) <= 48, () => this.leaf(this.shape(0, 3), "int32"));
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
      const idx = Array.from({ length: nt.sizeOf(shape) }, () => this.int(0, d));
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

  /** A fused elementwise chain (see fused.ts). */
  fused(): void {
    this.op(chainCall(this), false);
  }

  step(): void {
    const family = this.pick([
      ...Array<string>(4).fill("fused"),
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

