import * as nt from "@neurite/tensor-core";
import type { DType, Expr, Tensor } from "@neurite/tensor-core";
import { call, ref, type Arg, type Call } from "./program.js";

/**
 * Fused chains for the differential test: a random elementwise program (unary, binary, compare, where and
 * cast nodes over 1–3 inputs and constants) run through `nt.fuse` — one generated WGSL kernel on webgpu, the
 * block-wise evaluator on backend-cpu — so the two compilations of the same program are compared.
 *
 * A chain is plain data, a list of steps, so that it prints, shrinks and replays like every other node:
 * `[kind, op, ...operands]`, where an operand is the index of an earlier value (the inputs come first) or
 * `{ c: number }`, a constant.
 */
export type Step = readonly [kind: "unary" | "binary" | "where" | "cast", op: string, ...operands: (number | { readonly c: number })[]];

/** Runs a chain of steps over `inputs` as one fused program; the last value is the result. */
export function fusedChain(steps: readonly Step[], ...inputs: Tensor[]): Tensor {
  return nt.fuse("fusedChain", inputs, (p, ...xs) => {
    const values: Expr[] = [...xs];
    const at = (a: number | { readonly c: number }): Expr | number => (typeof a === "number" ? values[a]! : a.c);
    const value = (a: number | { readonly c: number }): Expr => {
      const v = at(a);
      if (typeof v !== "number") return v;
      throw new Error(`test bug: step operand ${JSON.stringify(a)} must be a value`);
    };
    for (const [kind, op, ...args] of steps) {
      switch (kind) {
        case "unary":
          values.push(p.unary(op as nt.UnaryOp, value(args[0]!)));
          break;
        case "binary":
          values.push(p.binary(op as nt.BinaryOp, at(args[0]!), at(args[1]!)));
          break;
        case "where":
          values.push(p.where(value(args[0]!), at(args[1]!), at(args[2]!)));
          break;
        case "cast":
          values.push(p.cast(value(args[0]!), op as DType));
          break;
      }
    }
    return values.at(-1)!;
  });
}

/** What the chain generator needs from the differential generator. */
export interface ChainSource {
  readonly meta: readonly { readonly shape: readonly number[]; readonly dtype: DType; readonly exact: boolean; readonly special: boolean }[];
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  shape(): number[];
  leaf(shape: readonly number[], dtype: DType, plain?: boolean): number;
  input(ok: (m: ChainSource["meta"][number]) => boolean, make: () => number, reuse?: number): number;
  partner(shape: readonly number[], dtype: DType, exact?: boolean, ok?: (m: ChainSource["meta"][number]) => boolean): number;
}

/**
 * A random fused chain over earlier nodes. Float values stay bounded (every product or sum goes through tanh,
 * as in the rest of the generator) and comparisons only see exact values (the int32 input, exact floats), so
 * a last-bit difference between the backends can never flip a branch. NaN and ±∞ inputs are left out for
 * the same reason; the conformance kit's program cases check them exactly.
 */
export function chainCall(g: ChainSource): Call {
  const x = g.input((m) => m.dtype === "float32" && !m.special, () => g.leaf(g.shape(), "float32", true));
  const inputs = [x];
  let shape = g.meta[x]!.shape;
  const grow = (i: number): void => {
    inputs.push(i);
    shape = nt.broadcastShapes("differential", shape, g.meta[i]!.shape);
  };
  if (g.chance(0.6)) grow(g.partner(shape, "float32", false, (o) => !o.special));
  if (g.chance(0.5)) grow(g.partner(shape, "int32", true));
  // Value kinds by index: "f" bounded float (inexact), "e" exact float, "i" int32, "b" bool.
  const kinds: ("f" | "e" | "i" | "b")[] = inputs.map((i) => (g.meta[i]!.dtype === "int32" ? "i" : g.meta[i]!.exact ? "e" : "f"));
  const steps: Step[] = [];
  const push = (step: Step, kind: "f" | "e" | "i" | "b"): number => {
    steps.push(step);
    kinds.push(kind);
    return kinds.length - 1;
  };
  const of = (...wanted: string[]): number[] => kinds.flatMap((k, i) => (wanted.includes(k) ? [i] : []));
  const constant = (): { c: number } => ({ c: g.int(-16, 17) / 8 });
  const length = g.int(2, 7);
  for (let s = 0; s < length; s++) {
    const floats = of("f", "e");
    const v = g.pick(floats.slice(-2).concat(floats));
    switch (g.pick(["unary", "arith", "arith", "minmax", "where", "cast"])) {
      case "unary": {
        const op = g.pick(["tanh", "neg", "abs", "sin", "exp"]);
        // exp and sin of a bounded value: tanh first.
        const input = op === "exp" || op === "sin" ? push(["unary", "tanh", v], "f") : v;
        push(["unary", op, input], kinds[input] === "e" && (op === "neg" || op === "abs") ? "e" : "f");
        break;
      }
      case "arith": {
        const op = g.pick(["add", "sub", "mul", "div"]);
        const w = g.chance(0.4) ? constant() : g.pick(floats);
        const divisor = op === "div" ? push(["binary", "add", push(["unary", "abs", typeof w === "number" ? w : v], "f"), { c: 0.5 }], "f") : w;
        const r = push(["binary", op, v, divisor], "f");
        push(["unary", "tanh", r], "f");
        break;
      }
      case "minmax":
        push(["binary", g.pick(["maximum", "minimum"]), v, g.chance(0.3) ? constant() : g.pick(floats)], "f");
        break;
      case "where": {
        const exact = of("e", "i");
        let condition: number;
        if (exact.length > 0 && g.chance(0.8)) {
          const e = g.pick(exact);
          condition = push(["binary", g.pick(["greater", "lessEqual", "equal", "notEqual"]), e, kinds[e] === "i" ? { c: g.int(-3, 4) } : constant()], "b");
        } else {
          const bools = of("b");
          if (bools.length === 0) continue;
          condition = g.pick(bools);
        }
        if (g.chance(0.3)) condition = push(["unary", "logicalNot", condition], "b");
        push(["where", "where", condition, v, g.chance(0.4) ? constant() : g.pick(floats)], "f");
        break;
      }
      case "cast": {
        // Truncation is discontinuous: only exact floats are cast to int32.
        const ints = of("i");
        const exactFloats = of("e");
        if (ints.length > 0) push(["cast", "float32", g.pick(ints)], "e");
        else if (exactFloats.length > 0) push(["cast", "float32", push(["cast", "int32", g.pick(exactFloats)], "i")], "e");
        break;
      }
    }
  }
  // The result is a float (a chain that ended on a bool or int value gets one more step).
  if (kinds.at(-1) !== "f" && kinds.at(-1) !== "e") push(["unary", "tanh", g.pick(of("f", "e"))], "f");
  return call("fusedChain", steps, ...inputs.map((i): Arg => ref(i)));
}
