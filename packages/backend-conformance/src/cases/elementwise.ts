import {
  binary,
  binaryOps,
  cast,
  clip,
  reciprocal,
  square,
  unary,
  unaryOps,
  where,
  type BinaryOp,
  type DType,
  type UnaryOp,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { binaryRef, binaryResult, castRef, unaryRef, unaryResult, whereRef } from "../reference/elementwise.js";
import { nd, numel, store } from "../reference/nd.js";
import type { Rng } from "../rng.js";
import { toleranceFor, type ToleranceKind } from "../tolerance.js";
import { binarySampling, unarySampling, type Domain } from "./op-domains.js";
import { ALL, FLOATS, general, ordered, shapeLabel } from "./shared.js";

const GROUP = "elementwise";

const UNARY_SHAPES: readonly (readonly number[])[] = [[], [0], [2, 0, 3], [7], [3, 5], [2, 3, 4], [64, 33]];

/** The op's tolerance class (op-domains.ts). */
function kindOf(op: UnaryOp | BinaryOp): ToleranceKind {
  return op in unarySampling ? unarySampling[op as UnaryOp].tolerance : binarySampling[op as BinaryOp].tolerance;
}

/** A draw from one of the input domains (floats; int32 and bool have their own ranges). */
function fromDomain(d: Domain): (rng: Rng) => number {
  if (d.ties === true) return (r) => r.int(d.lo, d.hi);
  if (d.halves === true) return (r) => (r.next() < 0.5 ? r.int(2 * d.lo, 2 * d.hi) / 2 : r.uniform(d.lo, d.hi));
  if (d.signed === true) return (r) => (r.next() < 0.5 ? -1 : 1) * r.uniform(d.lo, d.hi);
  return (r) => r.uniform(d.lo, d.hi);
}

/** Inputs inside each unary op's domain (op-domains.ts). */
function unaryDraw(op: UnaryOp, dtype: DType): (rng: Rng) => number {
  if (dtype === "bool") return (r) => (r.next() < 0.5 ? 0 : 1);
  if (dtype === "int32") return (r) => r.int(-1000, 1000);
  const [domain]: readonly Domain[] = unarySampling[op].domain;
  return fromDomain(domain!);
}

const FLOAT_SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-7, 50, -50, 100];
const INT_SPECIALS = [-2147483648, 2147483647, -1, 0, 1, 46341, -46341];

function unaryCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const op of Object.keys(unaryOps) as UnaryOp[]) {
    for (const dtype of ordered(unaryOps[op].dtypes)) {
      const out = unaryResult(op, dtype);
      const tolerance = toleranceFor(out, kindOf(op));
      const run = (name: string, values: readonly number[], shape: readonly number[]) => {
        const x = operand("x", dtype, shape, values);
        return checkOp(name, [x], ([t]) => unary(op, t!), expected(unaryRef(op, x, dtype), out, tolerance));
      };
      for (const shape of UNARY_SHAPES) {
        const name = `unary/${op}/${dtype}/${shapeLabel(shape)}`;
        cases.push(defineCase(GROUP, name, [dtype, out], ({ rng }) => run(name, rng.values(numel(shape), dtype, unaryDraw(op, dtype)), shape)));
      }
      const specials = dtype === "bool" ? [0, 1] : dtype === "int32" ? INT_SPECIALS : FLOAT_SPECIALS.map((v) => store(v, dtype));
      const name = `unary/${op}/${dtype}/special values`;
      cases.push(defineCase(GROUP, name, [dtype, out], () => run(name, specials, [specials.length])));
    }
  }
  return cases;
}

type Draw = (rng: Rng) => number;

/** Inputs for each binary op from its domains (op-domains.ts): ties for comparisons, a divisor away from 0, a positive base for pow. */
function binaryDraws(op: BinaryOp, dtype: DType): [Draw, Draw] {
  if (dtype === "bool") {
    const bit: Draw = (r) => (r.next() < 0.5 ? 0 : 1);
    return [bit, bit];
  }
  const [da, db]: readonly Domain[] = binarySampling[op].domain;
  if (dtype === "int32") {
    const d: Draw = da!.ties === true ? (r) => r.int(da!.lo, da!.hi) : (r) => r.int(-1000, 1000);
    return [d, d];
  }
  return [fromDomain(da!), fromDomain(db!)];
}

const BINARY_SHAPES: readonly [string, readonly number[], readonly number[]][] = [
  ["same", [3, 4], [3, 4]],
  ["scalar", [], []],
  ["tensor+scalar", [2, 3], []],
  ["scalar+tensor", [], [2, 3]],
  ["broadcast", [2, 1, 3], [4, 1]],
  ["broadcast", [5], [2, 3, 5]],
  ["empty", [0, 3], [1, 3]],
  ["empty", [2, 0], [2, 1]],
  ["large", [37, 61], [37, 61]],
  ["large broadcast", [128, 40], [40]],
];

const BINARY_FLOAT_SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -2.5, 3];
const BINARY_INT_SPECIALS = [2147483647, -2147483648, 65536, 46341, -1, 0, 7];

function binaryCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const op of Object.keys(binaryOps) as BinaryOp[]) {
    for (const dtype of ordered(binaryOps[op].dtypes)) {
      const out = binaryResult(op, dtype);
      const tolerance = toleranceFor(out, kindOf(op));
      const [drawA, drawB] = binaryDraws(op, dtype);
      const run = (name: string, a: ReturnType<typeof operand>, b: ReturnType<typeof operand>) =>
        checkOp(name, [a, b], ([ta, tb]) => binary(op, ta!, tb!), expected(binaryRef(op, a, b, dtype), out, tolerance));
      for (const [label, sa, sb] of BINARY_SHAPES) {
        const name = `binary/${op}/${dtype}/${label} ${shapeText(sa)}+${shapeText(sb)}`;
        cases.push(
          defineCase(GROUP, name, [dtype, out], ({ rng }) =>
            run(name, operand("a", dtype, sa, rng.values(numel(sa), dtype, drawA)), operand("b", dtype, sb, rng.values(numel(sb), dtype, drawB))),
          ),
        );
      }
      // Every pair of special values, by broadcasting a column against a row.
      const specials = dtype === "bool" ? [0, 1] : dtype === "int32" ? BINARY_INT_SPECIALS : BINARY_FLOAT_SPECIALS;
      const name = `binary/${op}/${dtype}/${dtype === "int32" ? "wrap-around and extremes" : dtype === "bool" ? "truth table" : "special values"}`;
      cases.push(
        defineCase(GROUP, name, [dtype, out], () =>
          run(name, operand("a", dtype, [specials.length, 1], specials), operand("b", dtype, [specials.length], specials)),
        ),
      );
      // A plain number as either operand takes the tensor's dtype.
      if (dtype !== "bool") {
        const number = op === "pow" ? 2 : op === "div" ? 4 : 3;
        const numberName = `binary/${op}/${dtype}/tensor and number ${number}`;
        cases.push(
          defineCase(GROUP, numberName, [dtype, out], ({ rng }) => {
            const a = operand("a", dtype, [2, 5], rng.values(10, dtype, drawA));
            const n = nd([], [number]);
            return checkOp(
              numberName,
              [a],
              ([t]) => [binary(op, t!, number), binary(op, number, t!)],
              [expected(binaryRef(op, a, n, dtype), out, tolerance), expected(binaryRef(op, n, a, dtype), out, tolerance)],
            );
          }),
        );
      }
    }
  }
  return cases;
}

const WHERE_SHAPES: readonly [string, readonly number[], readonly number[], readonly number[]][] = [
  ["same", [2, 3], [2, 3], [2, 3]],
  ["broadcast", [3, 1], [1, 4], [3, 4]],
  ["scalar condition", [], [2, 2], [2, 2]],
  ["scalar a", [2, 3], [], [2, 3]],
  ["empty", [0, 2], [0, 2], [2]],
  ["large", [50, 40], [50, 40], [40]],
];

function whereCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of ALL) {
    for (const [label, sc, sa, sb] of WHERE_SHAPES) {
      const name = `where/${dtype}/${label} ${shapeText(sc)} ? ${shapeText(sa)} : ${shapeText(sb)}`;
      cases.push(
        defineCase(GROUP, name, [dtype, "bool"], ({ rng }) => {
          const c = operand("condition", "bool", sc, rng.range(numel(sc), "bool"));
          const a = operand("a", dtype, sa, general(rng, numel(sa), dtype));
          const b = operand("b", dtype, sb, general(rng, numel(sb), dtype));
          return checkOp(name, [c, a, b], ([tc, ta, tb]) => where(tc!, ta!, tb!), expected(whereRef(c, a, b, dtype), dtype, toleranceFor(dtype, "exact")));
        }),
      );
    }
  }
  return cases;
}

function castCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const from of ALL) {
    for (const to of ALL) {
      if (from === to) continue;
      for (const shape of [[2, 7], [0, 3], []] as const) {
        const name = `cast/${from}->${to}/${shapeLabel(shape)}`;
        cases.push(
          defineCase(GROUP, name, [from, to], ({ rng }) => {
            const x = operand("x", from, shape, from === "int32" ? rng.range(numel(shape), from, -100, 100) : rng.range(numel(shape), from, -3, 3));
            return checkOp(name, [x], ([t]) => cast(t!, to), expected(castRef(x, to), to, toleranceFor(to, "exact")));
          }),
        );
      }
    }
  }
  // Hand-written expectations, so a wrong reference cannot hide a wrong kernel.
  const exact = (name: string, from: DType, to: DType, values: readonly number[], want: readonly number[]) =>
    defineCase(GROUP, name, [from, to], () => {
      const x = operand("x", from, [values.length], values);
      return checkOp(name, [x], ([t]) => cast(t!, to), expected(nd([want.length], want), to, toleranceFor(to, "exact")));
    });
  cases.push(
    exact("cast/float32->int32/truncates toward zero", "float32", "int32", [1.75, -1.75, 0.5, -0.5, 0, 2.5, -2.5, 1000.25], [1, -1, 0, 0, 0, 2, -2, 1000]),
    exact("cast/float64->int32/truncates toward zero", "float64", "int32", [1.999, -1.999, 2147483647, -2147483648], [1, -1, 2147483647, -2147483648]),
    exact("cast/float32->int32/NaN gives 0", "float32", "int32", [NaN, -0, 3], [0, 0, 3]),
    exact("cast/float64->int32/NaN gives 0", "float64", "int32", [NaN], [0]),
    exact("cast/float32->bool/non-zero and NaN are true", "float32", "bool", [0, -0, 0.25, -3, NaN, Infinity], [0, 0, 1, 1, 1, 1]),
    exact("cast/int32->float32/rounds above 2^24", "int32", "float32", [16777217, -16777219, 3], [16777216, -16777220, 3]),
    exact("cast/float64->float32/rounds to nearest", "float64", "float32", [0.1, 1 + 2 ** -30, 1e39], [Math.fround(0.1), 1, Infinity]),
    exact("cast/bool->int32/gives 0 and 1", "bool", "int32", [0, 1, 1, 0], [0, 1, 1, 0]),
  );
  return cases;
}

function compositeCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of FLOATS) {
    for (const shape of [[], [0], [4, 6], [50, 40]] as const) {
      const squareName = `composite/square/${dtype}/${shapeLabel(shape)}`;
      cases.push(
        defineCase(GROUP, squareName, [dtype], ({ rng }) => {
          const x = operand("x", dtype, shape, rng.range(numel(shape), dtype));
          return checkOp(squareName, [x], ([t]) => square(t!), expected(nd(shape, x.values.map((v) => store(v * v, dtype))), dtype, toleranceFor(dtype, "exact")));
        }),
      );
      const reciprocalName = `composite/reciprocal/${dtype}/${shapeLabel(shape)}`;
      cases.push(
        defineCase(GROUP, reciprocalName, [dtype], ({ rng }) => {
          const x = operand("x", dtype, shape, rng.values(numel(shape), dtype, (r) => (r.next() < 0.5 ? -1 : 1) * r.uniform(0.1, 10)));
          return checkOp(reciprocalName, [x], ([t]) => reciprocal(t!), expected(nd(shape, x.values.map((v) => store(1 / v, dtype))), dtype, toleranceFor(dtype, "exact")));
        }),
      );
    }
  }
  for (const dtype of ["float32", "int32", "float64"] as const) {
    const name = `composite/clip/${dtype}/[3, 4] to [-2, 3]`;
    cases.push(
      defineCase(GROUP, name, [dtype], ({ rng }) => {
        const x = operand("x", dtype, [3, 4], rng.values(12, dtype, (r) => r.int(-5, 5) + (dtype === "int32" ? 0 : r.next())));
        return checkOp(name, [x], ([t]) => clip(t!, -2, 3), expected(nd([3, 4], x.values.map((v) => Math.min(Math.max(v, -2), 3))), dtype, toleranceFor(dtype, "exact")));
      }),
    );
  }
  return cases;
}

/** Hand-written results that do not depend on the reference functions at all. */
function exactCases(): ConformanceCase[] {
  const table: readonly [string, UnaryOp, readonly number[], readonly number[]][] = [
    ["round halves to even", "round", [2.5, 3.5, -2.5, 0.5, -0.5, 1.5, 2.4, 2.6], [2, 4, -2, 0, -0, 2, 2, 3]],
    ["floor and ceil", "floor", [1.5, -1.5, 2, -0.25], [1, -2, 2, -1]],
    ["ceil", "ceil", [1.5, -1.5, 2, -0.25], [2, -1, 2, -0]],
    ["exp(0) = 1, exp(1) = e", "exp", [0, 1, -Infinity], [1, Math.E, 0]],
    ["log(1) = 0, log(e) = 1, log(0) = -inf", "log", [1, Math.E, 0], [0, 1, -Infinity]],
    ["sqrt of squares", "sqrt", [0, 1, 4, 9, 2.25], [0, 1, 2, 3, 1.5]],
    ["tanh(0) = 0, saturates", "tanh", [0, 50, -50], [0, 1, -1]],
    ["sign", "sign", [-3, 0, 2.5], [-1, 0, 1]],
    ["isNaN", "isNaN", [NaN, 0, Infinity], [1, 0, 0]],
  ];
  const cases: ConformanceCase[] = [];
  for (const [label, op, values, want] of table) {
    for (const dtype of FLOATS) {
      const out = unaryResult(op, dtype);
      const name = `exact/${op}/${dtype}/${label}`;
      cases.push(
        defineCase(GROUP, name, [dtype, out], () => {
          const x = operand("x", dtype, [values.length], values.map((v) => store(v, dtype)));
          return checkOp(name, [x], ([t]) => unary(op, t!), expected(nd([want.length], want.map((v) => store(v, out))), out, toleranceFor(out, kindOf(op))));
        }),
      );
    }
  }
  const int = (name: string, op: BinaryOp, a: readonly number[], b: readonly number[], want: readonly number[]) =>
    defineCase(GROUP, name, ["int32"], () => {
      const x = operand("a", "int32", [a.length], a);
      const y = operand("b", "int32", [b.length], b);
      return checkOp(name, [x, y], ([ta, tb]) => binary(op, ta!, tb!), expected(nd([want.length], want), "int32", toleranceFor("int32", "exact")));
    });
  cases.push(
    int("exact/add/int32/wraps at 2^31", "add", [2147483647, -2147483648], [1, -1], [-2147483648, 2147483647]),
    int("exact/mul/int32/keeps the low 32 bits", "mul", [65536, 46341, -7], [65536, 46341, 3], [0, -2147479015, -21]),
    int("exact/sub/int32/wraps", "sub", [-2147483648], [1], [2147483647]),
  );
  return cases;
}

/**
 * A few hundred thousand elements: beyond the sizes where GPU backends often switch to tiled or multi-dispatch
 * kernels (e.g. 65 535 workgroups along one dimension), so their indexing is exercised.
 */
function veryLargeCases(): ConformanceCase[] {
  const unaryName = "unary/exp/float32/very large [300007]";
  const binaryName = "binary/add/float32/very large broadcast [600, 513]+[513]";
  const whereName = "where/int32/very large [600, 513] ? [513] : []";
  return [
    defineCase(GROUP, unaryName, ["float32"], ({ rng }) => {
      const x = operand("x", "float32", [300007], rng.range(300007, "float32"));
      return checkOp(unaryName, [x], ([t]) => unary("exp", t!), expected(unaryRef("exp", x, "float32"), "float32", toleranceFor("float32", "transcendental")));
    }),
    defineCase(GROUP, binaryName, ["float32"], ({ rng }) => {
      const a = operand("a", "float32", [600, 513], rng.range(600 * 513, "float32"));
      const b = operand("b", "float32", [513], rng.range(513, "float32"));
      return checkOp(binaryName, [a, b], ([ta, tb]) => binary("add", ta!, tb!), expected(binaryRef("add", a, b, "float32"), "float32", toleranceFor("float32", "exact")));
    }),
    defineCase(GROUP, whereName, ["int32", "bool"], ({ rng }) => {
      const c = operand("condition", "bool", [600, 513], rng.range(600 * 513, "bool"));
      const a = operand("a", "int32", [513], rng.range(513, "int32", -1000, 1000));
      const b = operand("b", "int32", [], [-7]);
      return checkOp(whereName, [c, a, b], ([tc, ta, tb]) => where(tc!, ta!, tb!), expected(whereRef(c, a, b, "int32"), "int32", toleranceFor("int32", "exact")));
    }),
  ];
}

/** The cases of the unary and binary primitives, where and cast. */
export function elementwiseCases(): ConformanceCase[] {
  return [...unaryCases(), ...binaryCases(), ...whereCases(), ...castCases(), ...compositeCases(), ...exactCases(), ...veryLargeCases()];
}
