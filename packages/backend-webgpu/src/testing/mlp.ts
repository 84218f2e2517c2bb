import { valueAndGrad } from "@neurite/autograd";
import { adam, sgd } from "@neurite/optimizers";
import * as nt from "@neurite/tensor-core";
import type { Backend, FusedActivation, Tensor, Variable } from "@neurite/tensor-core";

/**
 * A small multilayer perceptron trained for a fixed number of steps on fixed data, for comparing the loss
 * curves of two backends. Everything is created on the backend passed in (made the current one), from
 * seeds: the weights are seeded Philox uniforms, bit-identical on every backend, so both curves start from
 * the same network. Uses no browser- or Node-only module, so Node and Chromium tests share it.
 */

export interface TrainingRun {
  /** The loss before each step. */
  readonly losses: number[];
  /** The loss after the last step. */
  readonly final: number;
  /** Live tensors on the backend after training and disposing the model, minus those before. */
  readonly leaked: number;
}

export interface Task {
  readonly name: string;
  readonly steps: number;
  /** Hidden layer widths and activations; the output layer is linear. */
  readonly hidden: readonly { readonly units: number; readonly activation: FusedActivation }[];
  readonly optimizer: "sgd" | "adam";
  readonly loss: "mse" | "crossEntropy";
}

/** Regression of a smooth function of 4 inputs: tanh and relu hidden layers, SGD with momentum, MSE. */
export const REGRESSION: Task = {
  name: "regression (tanh/relu MLP, SGD with momentum, MSE)",
  steps: 30,
  hidden: [
    { units: 16, activation: "tanh" },
    { units: 8, activation: "relu" },
  ],
  optimizer: "sgd",
  loss: "mse",
};

/** 3-class classification: a sigmoid hidden layer, Adam, softmax cross-entropy. */
export const CLASSIFICATION: Task = {
  name: "classification (sigmoid MLP, Adam, softmax cross-entropy)",
  steps: 30,
  hidden: [{ units: 12, activation: "sigmoid" }],
  optimizer: "adam",
  loss: "crossEntropy",
};

const SAMPLES = 64;
const FEATURES = 4;
const CLASSES = 3;

/** Deterministic data (an LCG, float32-exact values), the same on every backend. */
function data(task: Task): { x: number[]; y: number[] } {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.fround(state / 2 ** 31 - 1);
  };
  const x = Array.from({ length: SAMPLES * FEATURES }, next);
  const y: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const [a, b, c, d] = x.slice(i * FEATURES, (i + 1) * FEATURES) as [number, number, number, number];
    if (task.loss === "mse") y.push(Math.fround(Math.sin(2 * a) + b * c - 0.5 * d));
    else {
      const cls = a + b > 0.3 ? 0 : c - d > 0 ? 1 : 2;
      for (let k = 0; k < CLASSES; k++) y.push(k === cls ? 1 : 0);
    }
  }
  return { x, y };
}

function loss(task: Task, prediction: Tensor, y: Tensor): Tensor {
  if (task.loss === "mse") return nt.mean(nt.square(nt.sub(prediction, y)));
  return nt.neg(nt.mean(nt.sum(nt.mul(y, nt.logSoftmax(prediction)), -1)));
}

/** Trains `task` on `backend` (made the current backend) and returns its loss curve. */
export async function train(task: Task, backend: Backend): Promise<TrainingRun> {
  await nt.setBackend(backend);
  const before = nt.memory(backend).tensors;
  const { x: xs, y: ys } = data(task);
  const outputs = task.loss === "mse" ? 1 : CLASSES;
  const x = nt.tensor(xs, { shape: [SAMPLES, FEATURES] });
  const y = nt.tensor(ys, { shape: [SAMPLES, outputs] });
  const widths = [FEATURES, ...task.hidden.map((h) => h.units), outputs];
  const params: Record<string, Variable> = {};
  for (let i = 0; i + 1 < widths.length; i++) {
    const limit = Math.sqrt(6 / (widths[i]! + widths[i + 1]!));
    const w = nt.randomUniform([widths[i]!, widths[i + 1]!], { seed: 100 + i, min: -limit, max: limit });
    const b = nt.zeros([widths[i + 1]!]);
    params[`${i}.weight`] = nt.variable(w, { name: `${i}.weight` });
    params[`${i}.bias`] = nt.variable(b, { name: `${i}.bias` });
    w.dispose();
    b.dispose();
  }
  const forward = (input: Tensor): Tensor => {
    let h = input;
    for (let i = 0; i + 1 < widths.length; i++) {
      h = nt.linear(h, params[`${i}.weight`]!.value, params[`${i}.bias`]!.value, task.hidden[i]?.activation ?? "linear");
    }
    return h;
  };
  const optimizer = task.optimizer === "sgd" ? sgd({ lr: 0.1, momentum: 0.9 }) : adam({ lr: 0.02 });
  const step = valueAndGrad((_params: Record<string, Variable>) => loss(task, forward(x), y));
  const losses: number[] = [];
  for (let s = 0; s < task.steps; s++) {
    const value = nt.tidy(() => {
      const [l, grads] = step(params);
      optimizer.step(params, grads);
      return l;
    });
    losses.push(await value.item());
    value.dispose();
  }
  const last = nt.tidy(() => loss(task, forward(x), y));
  const final = await last.item();
  last.dispose();
  optimizer.dispose();
  for (const v of Object.values(params)) v.dispose();
  x.dispose();
  y.dispose();
  return { losses, final, leaked: nt.memory(backend).tensors - before };
}

/** The largest relative difference between two loss curves, step by step. */
export function maxRelativeDifference(a: readonly number[], b: readonly number[]): number {
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));
}
