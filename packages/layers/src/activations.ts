import {
  ArgumentError,
  clone,
  leakyRelu as leakyReluOp,
  relu as reluOp,
  sigmoid as sigmoidOp,
  softmax as softmaxOp,
  softsign as softsignOp,
  step as stepOp,
  tanh as tanhOp,
  type Tensor,
} from "@neurite/tensor-core";
import { Module } from "./module.js";

/*
 * The course notes' activations as layers. The functions themselves are tensor-core ops composed from
 * primitives, so autograd differentiates them; the table below is the one place that states each derivative
 * (the README's table and the tests' expectations are read from it), including where the course notes print
 * it wrongly.
 */

/** The activations a layer option accepts by name ("linear" is none). */
export type ActivationName = "linear" | "sigmoid" | "step" | "softsign" | "tanh" | "relu" | "leakyRelu" | "softmax";

/** One row of the activation table: the function, its derivative, and the course notes' mistake if any. */
export interface ActivationInfo {
  /** f(x), in words. */
  readonly formula: string;
  /** f′(x), in words — the correct one. */
  readonly derivative: string;
  /** What the course notes print instead, where they are wrong. */
  readonly courseNotesError?: string;
  /** f on one number (float64), for references and plots. */
  readonly f: (x: number) => number;
  /** f′ on one number, with Neurite's convention at kinks (what autograd returns there). */
  readonly df: (x: number) => number;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * The elementwise activations of the course notes with their correct derivatives (softmax, which is not
 * elementwise, has its own layer). Leaky ReLU's row uses the default slope 0.01.
 */
export const activationTable: Readonly<Record<Exclude<ActivationName, "linear" | "softmax">, ActivationInfo>> = {
  sigmoid: {
    formula: "1 / (1 + e⁻ˣ)",
    derivative: "f(x)(1 − f(x))",
    f: logistic,
    df: (x) => logistic(x) * (1 - logistic(x)),
  },
  step: {
    formula: "0 for x < 0, 1 for x ≥ 0",
    derivative: "0 for x ≠ 0, undefined at 0 (Neurite gives 0 everywhere, so a step network cannot learn by gradient descent)",
    f: (x) => (x >= 0 ? 1 : 0),
    df: () => 0,
  },
  softsign: {
    formula: "x / (1 + |x|)",
    derivative: "1 / (1 + |x|)²",
    courseNotesError: "the notes print x / (1 + |x|)², which is negative for x < 0 although softsign is increasing",
    f: (x) => x / (1 + Math.abs(x)),
    df: (x) => 1 / (1 + Math.abs(x)) ** 2,
  },
  tanh: {
    formula: "(eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)",
    derivative: "1 − f(x)²",
    courseNotesError: "the notes print (eˣ − e⁻ˣ) / (eˣ − e⁻ˣ) for f, with a minus sign in the denominator (that is 1, or 0/0 at 0)",
    f: Math.tanh,
    df: (x) => 1 - Math.tanh(x) ** 2,
  },
  relu: {
    formula: "max(0, x)",
    derivative: "0 for x < 0, 1 for x > 0 (Neurite takes 0 at 0, the left derivative, as PyTorch does; the notes take 1)",
    f: (x) => Math.max(0, x),
    df: (x) => (x > 0 ? 1 : 0),
  },
  leakyRelu: {
    formula: "αx for x < 0, x for x ≥ 0 (α = 0.01 by default)",
    derivative: "α for x < 0, 1 for x > 0 (Neurite takes α at 0)",
    courseNotesError: "the notes swap the cases: 1 for x < 0 and 0.01 for x > 0",
    f: (x) => (x > 0 ? x : 0.01 * x),
    df: (x) => (x > 0 ? 1 : 0.01),
  },
};

/** Applies a named activation (a layer option) to `x`; leaky ReLU uses `slope`, softmax the last axis. */
export function applyActivation(name: ActivationName, x: Tensor, slope = 0.01): Tensor {
  switch (name) {
    case "linear":
      return clone(x);
    case "sigmoid":
      return sigmoidOp(x);
    case "step":
      return stepOp(x);
    case "softsign":
      return softsignOp(x);
    case "tanh":
      return tanhOp(x);
    case "relu":
      return reluOp(x);
    case "leakyRelu":
      return leakyReluOp(x, slope);
    case "softmax":
      return softmaxOp(x, -1);
  }
}

const ACTIVATION_NAMES: readonly ActivationName[] = ["linear", "sigmoid", "step", "softsign", "tanh", "relu", "leakyRelu", "softmax"];

/** Throws an ArgumentError naming `layer` unless `name` is an activation name. */
export function checkActivation(layer: string, name: unknown): ActivationName {
  if (typeof name !== "string" || !(ACTIVATION_NAMES as readonly string[]).includes(name)) {
    throw new ArgumentError({ op: layer, argument: "activation" }, `unknown activation ${JSON.stringify(name)}; expected one of ${ACTIVATION_NAMES.join(", ")}`);
  }
  return name as ActivationName;
}

/** An activation layer: no parameters, the same function in training and evaluation mode. */
export abstract class Activation extends Module {}

/**
 * Logistic sigmoid 1 / (1 + e⁻ˣ), in (0, 1); derivative σ(x)(1 − σ(x)). The output of a binary classifier.
 *
 * ```ts
 * sequential([dense(2, 2), sigmoid(), dense(2, 1), sigmoid()]); // the 2-2-1 XOR network
 * ```
 */
export class Sigmoid extends Activation {
  forward(x: Tensor): Tensor {
    return sigmoidOp(x);
  }
  override toString(): string {
    return "Sigmoid()";
  }
}

/**
 * Heaviside step: 0 for x < 0, 1 for x ≥ 0 (the perceptron's original activation). Its derivative is 0
 * wherever it exists and undefined at 0; autograd gives 0 everywhere, so no gradient flows through it.
 */
export class Step extends Activation {
  forward(x: Tensor): Tensor {
    return stepOp(x);
  }
  override toString(): string {
    return "Step()";
  }
}

/**
 * Softsign x / (1 + |x|), in (−1, 1). Derivative 1 / (1 + |x|)². **The course notes print x / (1 + |x|)²,
 * which is wrong**: it is negative for x < 0, yet softsign is increasing everywhere.
 */
export class Softsign extends Activation {
  forward(x: Tensor): Tensor {
    return softsignOp(x);
  }
  override toString(): string {
    return "Softsign()";
  }
}

/**
 * Hyperbolic tangent (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ), in (−1, 1); derivative 1 − tanh(x)². **The course notes print
 * the function with a minus sign in the denominator**, (eˣ − e⁻ˣ) / (eˣ − e⁻ˣ), which is 1 (0/0 at 0).
 */
export class Tanh extends Activation {
  forward(x: Tensor): Tensor {
    return tanhOp(x);
  }
  override toString(): string {
    return "Tanh()";
  }
}

/**
 * Rectified linear unit max(0, x). Derivative 0 for x < 0 and 1 for x > 0; at 0 Neurite takes 0 (the left
 * derivative, as PyTorch does), where the course notes take 1 — at a single point either is a valid
 * subgradient, but the choice is fixed so results are reproducible.
 */
export class ReLU extends Activation {
  forward(x: Tensor): Tensor {
    return reluOp(x);
  }
  override toString(): string {
    return "ReLU()";
  }
}

/**
 * Leaky ReLU: x for x > 0, αx otherwise, with slope α = 0.01 by default. Derivative 1 for x > 0 and α for
 * x < 0 (α at 0). **The course notes print the derivative's cases swapped** (1 for x < 0, 0.01 for x > 0).
 */
export class LeakyReLU extends Activation {
  readonly slope: number;

  constructor(slope = 0.01) {
    super();
    if (!Number.isFinite(slope)) throw new ArgumentError({ op: "LeakyReLU", argument: "slope" }, `expected a finite slope, got ${slope}`);
    this.slope = slope;
  }

  forward(x: Tensor): Tensor {
    return leakyReluOp(x, this.slope);
  }

  override toString(): string {
    return `LeakyReLU(${this.slope})`;
  }
}

/**
 * Softmax along `axis` (the last by default): eˣⁱ / Σⱼ eˣʲ, computed stably. Turns scores into class
 * probabilities. For training a classifier prefer `categoricalCrossEntropy(logits, labels, { fromLogits:
 * true })` on the raw scores: it is more accurate than taking the log of a softmax.
 */
export class Softmax extends Activation {
  readonly axis: number;

  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) throw new ArgumentError({ op: "Softmax", argument: "axis" }, `expected an integer axis, got ${axis}`);
    this.axis = axis;
  }

  forward(x: Tensor): Tensor {
    return softmaxOp(x, this.axis);
  }

  override toString(): string {
    return this.axis === -1 ? "Softmax()" : `Softmax(axis ${this.axis})`;
  }
}

// Factories. They share their names with tensor-core's ops of the same function (relu, sigmoid, …): import
// layers from "@neurite/layers" and, if you need both, the ops under another name or as tensor methods
// (`x.relu()`).

/** A `Sigmoid` layer. (Not tensor-core's `sigmoid` op, which this layer applies; see `x.sigmoid()`.) */
export const sigmoid = (): Sigmoid => new Sigmoid();
/** A `Step` layer. */
export const step = (): Step => new Step();
/** A `Softsign` layer. */
export const softsign = (): Softsign => new Softsign();
/** A `Tanh` layer. */
export const tanh = (): Tanh => new Tanh();
/** A `ReLU` layer. (Not tensor-core's `relu` op; see `x.relu()`.) */
export const relu = (): ReLU => new ReLU();
/** A `LeakyReLU` layer with slope α (0.01 by default). */
export const leakyRelu = (slope?: number): LeakyReLU => new LeakyReLU(slope);
/** A `Softmax` layer over `axis` (the last by default). */
export const softmax = (axis?: number): Softmax => new Softmax(axis);
