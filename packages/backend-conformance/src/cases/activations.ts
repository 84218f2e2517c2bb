import { leakyRelu, logSigmoid, logSoftmax, relu, sigmoid, softmax, softplus, softsign, step, tanh, type DType, type Tensor } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { activationRef, softmaxRef, type Activation } from "../reference/activations.js";
import { nd, numel, store } from "../reference/nd.js";
import { toleranceFor } from "../tolerance.js";
import { FLOATS, shapeLabel } from "./shared.js";

const GROUP = "activations";

const FNS: Record<Activation, (x: Tensor, alpha?: number) => Tensor> = {
  sigmoid,
  step,
  softsign,
  tanh,
  relu,
  leakyRelu: (x, alpha) => leakyRelu(x, alpha),
  softplus,
  logSigmoid,
};

/** Which dtypes each activation accepts: the ones built from comparisons also work on int32. */
const DTYPES: Record<Activation, readonly DType[]> = {
  sigmoid: FLOATS,
  step: ["float32", "int32", "float64"],
  softsign: FLOATS,
  tanh: FLOATS,
  relu: ["float32", "int32", "float64"],
  leakyRelu: FLOATS,
  softplus: FLOATS,
  logSigmoid: FLOATS,
};

const SHAPES: readonly (readonly number[])[] = [[], [0], [3, 5], [2, 3, 4], [50, 40]];

function elementwiseActivationCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const name of Object.keys(FNS) as Activation[]) {
    const alphas: readonly (number | undefined)[] = name === "leakyRelu" ? [undefined, 0.2] : [undefined];
    for (const alpha of alphas) {
      const label = alpha === undefined ? name : `${name}(alpha ${alpha})`;
      for (const dtype of DTYPES[name]) {
        const kind = name === "sigmoid" || name === "tanh" || name === "softplus" || name === "logSigmoid" ? "transcendental" : "exact";
        const tol = toleranceFor(dtype, kind);
        for (const shape of SHAPES) {
          const caseName = `activation/${label}/${dtype}/${shapeLabel(shape)}`;
          cases.push(
            defineCase(GROUP, caseName, [dtype], ({ rng }) => {
              // Zero included: step and relu decide it by convention.
              const draw = dtype === "int32" ? () => rng.int(-5, 5) : () => (rng.next() < 0.1 ? 0 : rng.uniform(-6, 6));
              const x = operand("x", dtype, shape, Array.from({ length: numel(shape) }, () => store(draw(), dtype)));
              return checkOp(caseName, [x], ([t]) => FNS[name](t!, alpha), expected(activationRef(name, x, dtype, alpha), dtype, tol));
            }),
          );
        }
        if (dtype !== "int32") {
          const saturation = `activation/${label}/${dtype}/large inputs saturate without NaN`;
          cases.push(
            defineCase(GROUP, saturation, [dtype], () => {
              const x = operand("x", dtype, [6], [-1000, -100, -30, 30, 100, 1000]);
              return checkOp(saturation, [x], ([t]) => FNS[name](t!, alpha), expected(activationRef(name, x, dtype, alpha), dtype, tol));
            }),
          );
        }
      }
    }
  }
  // Hand-written expectations: independent of the reference functions.
  const table: readonly [Activation, string, readonly number[], readonly number[]][] = [
    ["sigmoid", "sigmoid(0) = 0.5, saturates to 0 and 1", [0, -1000, 1000], [0.5, 0, 1]],
    ["softsign", "softsign(1) = 0.5, softsign(-3) = -0.75", [1, -3, 0], [0.5, -0.75, 0]],
    ["tanh", "tanh(0) = 0", [0], [0]],
    ["relu", "relu(-1) = 0, relu(0) = 0, relu(2) = 2", [-1, 0, 2], [0, 0, 2]],
    ["leakyRelu", "leakyRelu(-2) = -0.02, leakyRelu(3) = 3", [-2, 3, 0], [-0.02, 3, 0]],
    ["step", "step(0) = 1, step(-0.5) = 0, step(2) = 1", [0, -0.5, 2], [1, 0, 1]],
    ["softplus", "softplus(0) = log 2, softplus(100) = 100, softplus(-100) ≈ 0", [0, 100, -100], [Math.LN2, 100, 0]],
    ["logSigmoid", "logSigmoid(0) = -log 2, logSigmoid(-100) = -100", [0, -100, 100], [-Math.LN2, -100, 0]],
  ];
  for (const [name, label, values, want] of table) {
    for (const dtype of FLOATS) {
      const caseName = `exact/${name}/${dtype}/${label}`;
      cases.push(
        defineCase(GROUP, caseName, [dtype], () => {
          const x = operand("x", dtype, [values.length], values.map((v) => store(v, dtype)));
          return checkOp(caseName, [x], ([t]) => FNS[name](t!), expected(nd([want.length], want.map((v) => store(v, dtype))), dtype, toleranceFor(dtype, "transcendental")));
        }),
      );
    }
  }
  return cases;
}

function softmaxCases(): ConformanceCase[] {
  const configs: readonly [string, readonly number[], number | undefined, number, number][] = [
    // [label, shape, axis as passed, resolved axis, input spread]
    ["last axis", [3, 5], undefined, 1, 3],
    ["axis 0", [4, 3], 0, 0, 3],
    ["middle axis", [2, 3, 4], 1, 1, 3],
    ["large logits", [2, 4], -1, 1, 1000],
    ["one element per row", [3, 1], -1, 1, 3],
    ["empty rows", [0, 4], -1, 1, 3],
    ["large", [100, 64], -1, 1, 10],
    ["long rows", [2, 5000], -1, 1, 10],
    ["vector", [7], 0, 0, 3],
  ];
  const cases: ConformanceCase[] = [];
  for (const log of [false, true]) {
    const op = log ? "logSoftmax" : "softmax";
    for (const dtype of FLOATS) {
      for (const [label, shape, axis, resolved, spread] of configs) {
        const caseName = `${op}/${dtype}/${label} ${shapeText(shape)}${axis === undefined ? "" : ` axis ${axis}`}`;
        cases.push(
          defineCase(GROUP, caseName, [dtype], ({ rng }) => {
            // "large logits" sit around ±1000, where an unshifted exp overflows.
            const x = operand("x", dtype, shape, rng.range(numel(shape), dtype, -spread, spread).map((v) => store(spread > 100 ? v + 1000 * Math.sign(v) : v, dtype)));
            const fn = log ? logSoftmax : softmax;
            return checkOp(caseName, [x], ([t]) => (axis === undefined ? fn(t!) : fn(t!, axis)), expected(softmaxRef(x, resolved, dtype, log), dtype, toleranceFor(dtype, "transcendental"), log ? nd(x.shape, x.values.map((v) => Math.abs(v))) : undefined));
          }),
        );
      }
    }
  }
  const exact = "exact/softmax/float32/equal logits give equal shares";
  cases.push(
    defineCase(GROUP, exact, ["float32"], () => {
      const x = operand("x", "float32", [2, 4], [1, 1, 1, 1, 7, 7, 7, 7]);
      return checkOp(exact, [x], ([t]) => softmax(t!), expected(nd([2, 4], [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]), "float32", toleranceFor("float32", "transcendental")));
    }),
  );
  return cases;
}

/** The cases of the activations and softmax. */
export function activationCases(): ConformanceCase[] {
  return [...elementwiseActivationCases(), ...softmaxCases()];
}
