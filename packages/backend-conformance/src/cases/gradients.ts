import { grad } from "@neurite/autograd";
import {
  abs,
  add,
  clip,
  leakyRelu,
  linear,
  logSoftmax,
  matmul,
  max,
  maximum,
  maxPool2d,
  mean,
  mul,
  neg,
  prod,
  relu,
  sigmoid,
  softmax,
  softsign,
  square,
  step,
  sum,
  tanh,
  tensor,
  type DType,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { compareValues, operand, Tracker, typedArray } from "../check.js";
import { defineCase } from "../define.js";
import { binaryRef } from "../reference/elementwise.js";
import { matmulRef } from "../reference/matmul.js";
import { softmaxRef } from "../reference/activations.js";
import { nd, numel, store } from "../reference/nd.js";
import { reduceRef } from "../reference/reduce.js";
import { gradientTolerance } from "../tolerance.js";
import { checkGradient, expectGradientValues } from "./gradient-check.js";
import { convGradientCases } from "./gradients-conv.js";
import { elementwiseGradientCases } from "./gradients-elementwise.js";
import { linearRef, tensorGradientCases } from "./gradients-tensor.js";
import { FLOATS } from "./shared.js";

/*
 * The gradient cases: every differentiable op checked against float64 finite differences of the kit's
 * reference (gradients-elementwise, -tensor, -conv), plus gradients known exactly — the course notes'
 * example and Neurite's conventions at kinks and ties — and second-order gradients.
 */

const GROUP = "gradient";

/** A float tensor of `dtype` on the current backend. */
function upload(tracker: Tracker, dtype: DType, shape: readonly number[], values: readonly number[]): Tensor {
  return tracker.upload(operand("x", dtype, shape, values));
}

/** The elementwise derivative of `f` at `xs`: ∇ Σ f(x). */
function derivativeCase(dtype: DType, label: string, f: (x: Tensor) => Tensor, xs: readonly number[], want: readonly number[], shape: readonly number[] = [xs.length]): ConformanceCase {
  const name = `gradient/exact/${dtype}/${label}`;
  return defineCase(GROUP, name, [dtype], async () => {
    using tracker = new Tracker();
    const x = upload(tracker, dtype, shape, xs);
    const g = tracker.track(grad((t: Tensor) => sum(f(t)))(x));
    await expectGradientValues(name, g, shape, want, [operand("x", dtype, shape, xs)]);
  });
}

function exactCases(dtype: DType): ConformanceCase[] {
  const notes = `gradient/exact/${dtype}/course notes (x + y)·z at x = -2, y = 5, z = -4`;
  const ties = `gradient/exact/${dtype}/maximum(a, b) splits a tie 1/2 : 1/2`;
  return [
    defineCase(GROUP, notes, [dtype], async () => {
      using tracker = new Tracker();
      const [x, y, z] = [-2, 5, -4].map((v) => upload(tracker, dtype, [], [v]));
      // q = x + y = 3: ∂f/∂z = q = 3 and ∂f/∂x = ∂f/∂y = z = −4.
      const [dx, dy, dz] = tracker.track(grad((a: Tensor, b: Tensor, c: Tensor) => mul(add(a, b), c), [0, 1, 2])(x!, y!, z!));
      await expectGradientValues(`${notes}: ∂f/∂x`, dx, [], [-4]);
      await expectGradientValues(`${notes}: ∂f/∂y`, dy, [], [-4]);
      await expectGradientValues(`${notes}: ∂f/∂z`, dz, [], [3]);
    }),
    derivativeCase(dtype, "relu′ at [-1, 0, 2] is [0, 0, 1]", relu, [-1, 0, 2], [0, 0, 1]),
    derivativeCase(dtype, "leakyRelu′ (alpha 0.01) at [-1, 0, 2] is [0.01, 0.01, 1]", (x) => leakyRelu(x, 0.01), [-1, 0, 2], [0.01, 0.01, 1]),
    derivativeCase(dtype, "step′ at [-1, 0, 2] is 0", step, [-1, 0, 2], [0, 0, 0]),
    derivativeCase(dtype, "abs′ at [-2, 0, 3] is [-1, 0, 1]", abs, [-2, 0, 3], [-1, 0, 1]),
    derivativeCase(dtype, "sigmoid′(0) = 0.25", sigmoid, [0], [0.25]),
    derivativeCase(dtype, "tanh′(0) = 1", tanh, [0], [1]),
    // The course notes print x / (1 + |x|)², which would give −2/9 at −2; softsign is increasing.
    derivativeCase(dtype, "softsign′ = 1 / (1 + |x|)² at [-2, 0, 1] is [1/9, 1, 1/4]", softsign, [-2, 0, 1], [1 / 9, 1, 1 / 4]),
    derivativeCase(dtype, "maximum(x, x) has gradient 1", (x) => maximum(x, x), [1, -2, 0.5], [1, 1, 1]),
    derivativeCase(dtype, "max reduction shares a tie: max([3, 1, 3, 2])", (x) => max(x), [3, 1, 3, 2], [0.5, 0, 0.5, 0]),
    derivativeCase(dtype, "clip(x, -1, 1) passes the gradient at its bounds", (x) => clip(x, -1, 1), [-2, -1, 0, 1, 2], [0, 1, 1, 1, 0]),
    derivativeCase(dtype, "maxPool2d shares a window's tied maxima", (x) => maxPool2d(x, { poolSize: 2 }), [5, 1, 5, 0], [0.5, 0, 0.5, 0], [1, 2, 2, 1]),
    defineCase(GROUP, ties, [dtype], async () => {
      using tracker = new Tracker();
      const a = upload(tracker, dtype, [3], [1, 2, 3]);
      const b = upload(tracker, dtype, [3], [1, 5, 0]);
      const [da, db] = tracker.track(grad((p: Tensor, q: Tensor) => sum(maximum(p, q)), [0, 1])(a, b));
      await expectGradientValues(`${ties}: ∂/∂a at a = [1, 2, 3], b = [1, 5, 0]`, da, [3], [0.5, 0, 1]);
      await expectGradientValues(`${ties}: ∂/∂b at a = [1, 2, 3], b = [1, 5, 0]`, db, [3], [0.5, 1, 0]);
    }),
  ];
}

/** grad(grad) of an elementwise f against its closed-form second derivative: ∇ ⟨v, f′(x)⟩ = v ⊙ f″(x). */
function secondDerivativeCase(dtype: DType, label: string, f: (x: Tensor) => Tensor, second: (x: number) => number): ConformanceCase {
  const name = `gradient/second order/${dtype}/${label}`;
  return defineCase(GROUP, name, [dtype], async ({ rng }) => {
    using tracker = new Tracker();
    const xs = operand("x", dtype, [8], rng.range(8, dtype, -3, 3));
    const vs = operand("v", dtype, [8], rng.range(8, dtype, -1, 1));
    const v = tracker.upload(vs);
    const first = (x: Tensor): Tensor => grad((t: Tensor) => sum(f(t)))(x);
    const g = tracker.track(grad((x: Tensor) => sum(mul(first(x), v)))(tracker.upload(xs)));
    const want = xs.values.map((x, i) => vs.values[i]! * second(x));
    const scale = want.reduce((m, w) => Math.max(m, Math.abs(w)), 0);
    compareValues(`${name}: grad(grad) differs from the closed form`, await g.data(), { shape: [8], values: want, dtype, tolerance: gradientTolerance(dtype), scale: want.map(() => scale) }, [xs, vs]);
  });
}

/** Πⱼ≠k xⱼ over the row of flat position k (rows of `width`): ∂/∂xₖ of the row's product, zeros included. */
function productOfOthers(values: readonly number[], k: number, width: number): number {
  const row = Math.floor(k / width) * width;
  let p = 1;
  for (let j = row; j < row + width; j++) if (j !== k) p *= values[j]!;
  return p;
}

const PROD_ROWS: readonly [string, readonly number[]][] = [
  ["no zeros", [0.5, -1.2, 0.8, 1.5, -0.9, 0.7, -1.1, 1.3]],
  ["rows with one and two zeros", [0, 0.7, -1.1, 0.9, 0, 1.3, 0, -0.6]],
];

function secondOrderCases(dtype: DType): ConformanceCase[] {
  const s = (x: number) => 1 / (1 + Math.exp(-x));
  const matmulName = `gradient/second order/${dtype}/matmul: ∇ of ∂⟨U, (AB)²⟩/∂A with respect to A and B`;
  const sumName = `gradient/second order/${dtype}/sum: ∇ of ∂Σᵢ(Σⱼ xᵢⱼ)³/∂x`;
  return [
    secondDerivativeCase(dtype, "sigmoid″ = σ(1 − σ)(1 − 2σ)", sigmoid, (x) => s(x) * (1 - s(x)) * (1 - 2 * s(x))),
    secondDerivativeCase(dtype, "tanh″ = −2 tanh (1 − tanh²)", tanh, (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2)),
    // The first derivative, 2 (U ⊙ AB) Bᵀ, differentiated again on the backend; the reference differences it.
    defineCase(GROUP, matmulName, [dtype], async ({ rng }) => {
      const us = operand("U", dtype, [3, 2], rng.range(6, dtype, -1, 1));
      const u = tensor(typedArray(dtype, us.values), { shape: us.shape, dtype });
      try {
        await checkGradient(matmulName, rng, {
          op: "∂⟨U, (AB)²⟩/∂A",
          inputs: [operand("A", dtype, [3, 4], rng.range(12, dtype, -1.5, 1.5)), operand("B", dtype, [4, 2], rng.range(8, dtype, -1.5, 1.5))],
          f: (a, b) => grad((t: Tensor) => sum(mul(u, square(matmul(t, b)))))(a),
          ref: (a, b) => {
            const weighted = binaryRef("mul", us, matmulRef(a, b, false, false, "float64"), "float64");
            const g = matmulRef(weighted, b, false, true, "float64");
            return nd(g.shape, g.values.map((v) => 2 * v));
          },
        });
      } finally {
        u.dispose();
      }
    }),
    // prod's rule counts zeros rather than dividing by them; its own gradient must still see every factor.
    ...PROD_ROWS.map(([label, values]) => {
      const name = `gradient/second order/${dtype}/prod: ∇ of ∂Σᵢ Πⱼ xᵢⱼ/∂x, ${label}`;
      return defineCase(GROUP, name, [dtype], ({ rng }) =>
        checkGradient(name, rng, {
          op: "∂Σᵢ Πⱼ xᵢⱼ/∂x",
          inputs: [operand("x", dtype, [2, 4], values.map((v) => store(v, dtype)))],
          f: (x) => grad((t: Tensor) => sum(prod(t, 1)))(x),
          ref: (x) => nd(x.shape, x.values.map((_, k) => productOfOthers(x.values, k, x.shape[1]!))),
        }),
      );
    }),
    // softmax and logSoftmax save their output; their rules are differentiated through it.
    ...([false, true] as const).map((log) => {
      const name = `gradient/second order/${dtype}/${log ? "logSoftmax" : "softmax"}: ∇ of ∂⟨U, ${log ? "logSoftmax" : "softmax"}(x)⟩/∂x along axis 1`;
      return defineCase(GROUP, name, [dtype], async ({ rng }) => {
        const us = operand("U", dtype, [2, 4], rng.range(8, dtype, -1, 1));
        const u = tensor(typedArray(dtype, us.values), { shape: us.shape, dtype });
        try {
          await checkGradient(name, rng, {
            op: `∂⟨U, ${log ? "logSoftmax" : "softmax"}(x)⟩/∂x`,
            inputs: [operand("x", dtype, [2, 4], rng.range(8, dtype, -2, 2))],
            f: (x) => grad((t: Tensor) => sum(mul(u, log ? logSoftmax(t, 1) : softmax(t, 1))))(x),
            // softmax: y ⊙ (U − Σ U ⊙ y); logSoftmax: U − y · Σ U, with y = softmax(x), sums along the row.
            ref: (x) => {
              const y = softmaxRef(x, 1, "float64");
              return nd(x.shape, y.values.map((yk, k) => {
                const row = Math.floor(k / 4) * 4;
                let weighted = 0;
                let total = 0;
                for (let j = row; j < row + 4; j++) {
                  weighted += us.values[j]! * y.values[j]!;
                  total += us.values[j]!;
                }
                return log ? us.values[k]! - yk * total : yk * (us.values[k]! - weighted);
              }));
            },
          });
        } finally {
          u.dispose();
        }
      });
    }),
    defineCase(GROUP, sumName, [dtype], ({ rng }) =>
      checkGradient(sumName, rng, {
        op: "∂Σᵢ(Σⱼ xᵢⱼ)³/∂x",
        inputs: [operand("x", dtype, [3, 4], rng.range(12, dtype, -1, 1))],
        f: (x) =>
          grad((t: Tensor) => {
            const rows = sum(t, 1, true);
            return sum(mul(square(rows), rows));
          })(x),
        ref: (x) => {
          const rows = reduceRef("sum", x, [1], "float64", true);
          return nd(x.shape, x.values.map((_, k) => 3 * rows.values[Math.floor(k / x.shape[1]!)]! ** 2));
        },
      }),
    ),
  ];
}

/** A small network end to end: two layers and a cross-entropy loss, with respect to every weight and the input. */
function networkCase(dtype: DType): ConformanceCase {
  const name = `gradient/network/${dtype}/cross-entropy of linear(tanh) → linear → logSoftmax`;
  const labels = [0, 2, 1, 2];
  const oneHot = nd([4, 3], labels.flatMap((y) => [0, 1, 2].map((k) => (k === y ? 1 : 0))));
  return defineCase(GROUP, name, [dtype], async ({ rng }) => {
    const targets = tensor(typedArray(dtype, oneHot.values), { shape: oneHot.shape, dtype });
    const shapes: readonly [string, readonly number[]][] = [["x", [4, 3]], ["w1", [3, 5]], ["b1", [5]], ["w2", [5, 3]], ["b2", [3]]];
    try {
      await checkGradient(name, rng, {
        op: "−mean(Σ onehot ⊙ logSoftmax(linear(linear(x, w1, b1, tanh), w2, b2)))",
        inputs: shapes.map(([n, shape]) => operand(n, dtype, shape, rng.range(numel(shape), dtype, -1.5, 1.5))),
        f: (x, w1, b1, w2, b2) => neg(mean(sum(mul(targets, logSoftmax(linear(linear(x, w1, b1, "tanh"), w2, b2))), 1))),
        ref: (x, w1, b1, w2, b2) => {
          const logits = linearRef(linearRef(x, w1, b1, "tanh"), w2, b2, "linear");
          const logp = softmaxRef(logits, 1, "float64", true);
          return nd([], [-logp.values.reduce((t, v, k) => t + v * oneHot.values[k]!, 0) / labels.length]);
        },
      });
    } finally {
      targets.dispose();
    }
  });
}

/** Every gradient case: finite-difference checks of every differentiable op, exact values, second order. */
export function gradientCases(): ConformanceCase[] {
  return [
    ...elementwiseGradientCases(),
    ...tensorGradientCases(),
    ...convGradientCases(),
    ...FLOATS.flatMap((dtype) => [networkCase(dtype), ...exactCases(dtype), ...secondOrderCases(dtype)]),
  ];
}
