import {
  add,
  cast,
  clip,
  leakyRelu,
  logSigmoid,
  logSoftmax,
  mul,
  reciprocal,
  relu,
  sigmoid,
  softmax,
  softplus,
  softsign,
  square,
  step,
  sub,
  tensor,
  unary,
  where,
  binary,
  type BinaryOp,
  type DType,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { operand, typedArray } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { activationRef, softmaxRef, type Activation } from "../reference/activations.js";
import { binaryRef, unaryRef, whereRef } from "../reference/elementwise.js";
import { broadcastRead, broadcastShape, forEachIndex, map, nd, numel, type NdArray } from "../reference/nd.js";
import type { Rng } from "../rng.js";
import { awayFromZero, checkGradient, drawUntil, margin } from "./gradient-check.js";
import { FLOATS } from "./shared.js";

const GROUP = "gradient";

/** The differentiable unary primitives and composites, with input ranges inside their smooth domain. */
const UNARY: readonly [string, (x: Tensor) => Tensor, (x: NdArray) => NdArray, (rng: Rng, n: number, dtype: DType) => number[]][] = [
  ...(
    [
      ["neg", -3, 3],
      ["exp", -2, 2],
      ["expm1", -2, 2],
      ["log", 0.2, 4],
      ["log1p", -0.6, 3],
      ["sqrt", 0.2, 4],
      ["sin", -3, 3],
      ["cos", -3, 3],
      ["tanh", -2.5, 2.5],
    ] as const
  ).map(([op, lo, hi]): [string, (x: Tensor) => Tensor, (x: NdArray) => NdArray, (rng: Rng, n: number, dtype: DType) => number[]] => [
    op,
    (x) => unary(op, x),
    (x) => unaryRef(op, x, "float64"),
    (rng, n, dtype) => rng.range(n, dtype, lo, hi),
  ]),
  ["abs", (x) => unary("abs", x), (x) => unaryRef("abs", x, "float64"), (rng, n, dtype) => awayFromZero(rng, n, dtype)],
  ["square", square, (x) => map(x, (v) => v * v), (rng, n, dtype) => rng.range(n, dtype, -3, 3)],
  ["reciprocal", reciprocal, (x) => map(x, (v) => 1 / v), (rng, n, dtype) => awayFromZero(rng, n, dtype, 0.4, 2)],
];

/** Activations (composites) with the reference of their definition; those with a kink get inputs away from 0. */
const ACTIVATIONS: readonly [Activation, number | undefined, boolean][] = [
  ["sigmoid", undefined, false],
  ["relu", undefined, true],
  ["leakyRelu", undefined, true],
  ["leakyRelu", 0.2, true],
  ["step", undefined, true],
  ["softsign", undefined, true],
  ["softplus", undefined, false],
  ["logSigmoid", undefined, false],
];

const ACTIVATION_FNS: Record<Activation, (x: Tensor, alpha?: number) => Tensor> = {
  sigmoid,
  step,
  softsign,
  tanh: (x) => unary("tanh", x),
  relu,
  leakyRelu: (x, alpha) => leakyRelu(x, alpha),
  softplus,
  logSigmoid,
};

function unaryCases(dtype: DType): ConformanceCase[] {
  const cases = UNARY.map(([op, fn, ref, draw]) => {
    const name = `gradient/${op}/${dtype}/[3, 4]`;
    return defineCase(GROUP, name, [dtype], ({ rng }) =>
      checkGradient(name, rng, { op, inputs: [operand("x", dtype, [3, 4], draw(rng, 12, dtype))], f: fn, ref }),
    );
  });
  for (const [act, alpha, kink] of ACTIVATIONS) {
    const label = alpha === undefined ? act : `${act}(alpha ${alpha})`;
    const name = `gradient/${label}/${dtype}/[3, 5]`;
    cases.push(
      defineCase(GROUP, name, [dtype], ({ rng }) => {
        const values = kink ? awayFromZero(rng, 15, dtype, 0.05, 4) : rng.range(15, dtype, -4, 4);
        return checkGradient(name, rng, {
          op: label,
          inputs: [operand("x", dtype, [3, 5], values)],
          f: (x) => ACTIVATION_FNS[act](x, alpha),
          ref: (x) => activationRef(act, x, "float64", alpha),
        });
      }),
    );
  }
  const clipName = `gradient/clip/${dtype}/[4, 5] to [-1, 1.5]`;
  cases.push(
    defineCase(GROUP, clipName, [dtype], ({ rng }) => {
      // Away from the bounds: inside, the gradient passes; outside, it is 0.
      const values = drawUntil("clip inputs", () => rng.range(20, dtype, -3, 3), (v) => margin(v.map((x) => x + 1)) > 0.02 && margin(v.map((x) => x - 1.5)) > 0.02);
      return checkGradient(clipName, rng, {
        op: "clip(x, -1, 1.5)",
        inputs: [operand("x", dtype, [4, 5], values)],
        f: (x) => clip(x, -1, 1.5),
        ref: (x) => map(x, (v) => Math.min(Math.max(v, -1), 1.5)),
      });
    }),
  );
  return cases;
}

/** Binary ops, same shapes and broadcast both ways; inputs keep off the places where the op has a kink. */
const BINARY: readonly [BinaryOp, (rng: Rng, n: number, dtype: DType) => number[], (rng: Rng, n: number, dtype: DType) => number[]][] = [
  ["add", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => r.range(n, d, -3, 3)],
  ["sub", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => r.range(n, d, -3, 3)],
  ["mul", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => r.range(n, d, -3, 3)],
  ["div", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => awayFromZero(r, n, d, 0.5, 3)],
  // Positive bases: aᵇ and its derivative in b (aᵇ ln a) are smooth there.
  ["pow", (r, n, d) => r.range(n, d, 0.3, 2.5), (r, n, d) => r.range(n, d, -2, 2)],
  ["maximum", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => r.range(n, d, -3, 3)],
  ["minimum", (r, n, d) => r.range(n, d, -3, 3), (r, n, d) => r.range(n, d, -3, 3)],
];

const BINARY_SHAPES: readonly [readonly number[], readonly number[]][] = [
  [[2, 3], [2, 3]],
  [[2, 1, 3], [4, 1]],
  [[3, 4], []],
];

/** The smallest |a − b| over the broadcast pairs: maximum and minimum must not tie. */
function pairGap(a: NdArray, b: NdArray): number {
  let gap = Infinity;
  forEachIndex(broadcastShape(a.shape, b.shape), (index) => (gap = Math.min(gap, Math.abs(broadcastRead(a, index) - broadcastRead(b, index)))));
  return gap;
}

function binaryCases(dtype: DType): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const [op, drawA, drawB] of BINARY) {
    for (const [sa, sb] of BINARY_SHAPES) {
      const name = `gradient/${op}/${dtype}/${shapeText(sa)} with ${shapeText(sb)}`;
      cases.push(
        defineCase(GROUP, name, [dtype], ({ rng }) => {
          const [a, b] = drawUntil(
            `${op} inputs`,
            () => [operand("a", dtype, sa, drawA(rng, numel(sa), dtype)), operand("b", dtype, sb, drawB(rng, numel(sb), dtype))] as const,
            ([x, y]) => (op !== "maximum" && op !== "minimum") || pairGap(x, y) > 0.05,
          );
          return checkGradient(name, rng, { op, inputs: [a, b], f: (x, y) => binary(op, x, y), ref: (x, y) => binaryRef(op, x, y, "float64") });
        }),
      );
    }
  }
  // A tensor used several times, with number operands: the contributions of every use add up.
  const fanOut = `gradient/fan-out/${dtype}/(x + y)·x − 2.5·y + x / 4`;
  cases.push(
    defineCase(GROUP, fanOut, [dtype], ({ rng }) =>
      checkGradient(fanOut, rng, {
        op: "(x + y)·x − 2.5·y + x / 4",
        inputs: [operand("x", dtype, [3, 3], rng.range(9, dtype, -2, 2)), operand("y", dtype, [3], rng.range(3, dtype, -2, 2))],
        f: (x, y) => add(sub(mul(add(x, y), x), mul(y, 2.5)), binary("div", x, 4)),
        ref: (x, y) => {
          const s = binaryRef("add", x, y, "float64");
          const t = binaryRef("sub", binaryRef("mul", s, x, "float64"), map(y, (v) => 2.5 * v), "float64");
          return binaryRef("add", t, map(x, (v) => v / 4), "float64");
        },
      }),
    ),
  );
  // where: the condition is a constant; a gets the gradient where it holds, b (broadcast) where it does not.
  const whereName = `gradient/where/${dtype}/[2, 3] ? [2, 3] : [3]`;
  cases.push(
    defineCase(GROUP, whereName, [dtype], async ({ rng }) => {
      const c = nd([2, 3], [1, 0, 0, 1, 1, 0]);
      const condition = tensor(typedArray("bool", c.values), { shape: [2, 3], dtype: "bool" });
      try {
        await checkGradient(whereName, rng, {
          op: "where(c, a, b)",
          inputs: [operand("a", dtype, [2, 3], rng.range(6, dtype, -3, 3)), operand("b", dtype, [3], rng.range(3, dtype, -3, 3))],
          f: (a, b) => where(condition, a, b),
          ref: (a, b) => whereRef(c, a, b, "float64"),
        });
      } finally {
        condition.dispose();
      }
    }),
  );
  return cases;
}

/** softmax and logSoftmax along several axes (they have rules of their own). */
function softmaxCases(dtype: DType): ConformanceCase[] {
  const configs: readonly [readonly number[], number | undefined, number][] = [
    [[3, 5], undefined, 1],
    [[4, 3], 0, 0],
    [[2, 3, 4], 1, 1],
    [[2, 3, 4], -1, 2],
  ];
  const cases: ConformanceCase[] = [];
  for (const log of [false, true]) {
    const op = log ? "logSoftmax" : "softmax";
    const fn = log ? logSoftmax : softmax;
    for (const [shape, axis, resolved] of configs) {
      const name = `gradient/${op}/${dtype}/${shapeText(shape)} axis ${axis ?? "default"}`;
      cases.push(
        defineCase(GROUP, name, [dtype], ({ rng }) =>
          checkGradient(name, rng, {
            op: `${op} along axis ${resolved}`,
            inputs: [operand("x", dtype, shape, rng.range(numel(shape), dtype, -3, 3))],
            f: (x) => (axis === undefined ? fn(x) : fn(x, axis)),
            ref: (x) => softmaxRef(x, resolved, "float64", log),
          }),
        ),
      );
    }
  }
  return cases;
}

/** Float-to-float casts: the gradient is cast back. Both need float64 on the backend. */
function castCases(): ConformanceCase[] {
  return (
    [
      ["float32", "float64"],
      ["float64", "float32"],
    ] as const
  ).map(([from, to]) => {
    const name = `gradient/cast/${from} to ${to}/[3, 4]`;
    return defineCase(GROUP, name, ["float32", "float64"], ({ rng }) =>
      checkGradient(name, rng, {
        op: `cast to ${to}, times 3`,
        inputs: [operand("x", from, [3, 4], rng.range(12, from, -3, 3))],
        f: (x) => mul(cast(x, to), 3),
        ref: (x) => map(x, (v) => 3 * v),
        tolerance: "float32",
      }),
    );
  });
}

export function elementwiseGradientCases(): ConformanceCase[] {
  return [...FLOATS.flatMap((dtype) => [...unaryCases(dtype), ...binaryCases(dtype), ...softmaxCases(dtype)]), ...castCases()];
}
