import { cpu } from "@neurite/backend-cpu";
import { binaryCrossEntropy, mse } from "@neurite/losses";
import { memory, setBackend, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { dense, sequential, step } from "./index.js";
import { gradientDescentStep, lossAndGradients, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const inputs = () => tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const classes = (predictions: number[]): number[] => predictions.map((p) => (p >= 0.5 ? 1 : 0));

describe("training with valueAndGrad and plain gradient descent", () => {
  it("gives gradients keyed like the parameters", () => {
    const model = sequential([dense(2, 3, { seed: 1 }), dense(3, 1, { seed: 2 })]);
    const [loss, grads] = lossAndGradients(model, inputs(), (p) => p.square().mean());
    expect(Object.keys(grads)).toEqual(["0.weight", "0.bias", "1.weight", "1.bias"]);
    expect(grads["0.weight"]!.shape).toEqual([2, 3]);
    expect(grads["1.bias"]!.shape).toEqual([1]);
    expect(loss.shape).toEqual([]);
    model.dispose();
  });

  it("a perceptron (one sigmoid neuron) learns AND, and a step neuron with its weights computes AND exactly", () => {
    const x = inputs();
    const y = tensor([[0], [0], [0], [1]]);
    const perceptron = dense(2, 1, { activation: "sigmoid", init: "normal", seed: 3 });
    let first = 0;
    let last = 0;
    for (let i = 0; i < 500; i++) {
      last = gradientDescentStep(perceptron, x, (p) => binaryCrossEntropy(p, y), 2);
      if (i === 0) first = last;
    }
    expect(last).toBeLessThan(first / 4);
    expect(classes(values(perceptron.forward(x)))).toEqual([0, 0, 0, 1]);
    // The course notes' perceptron: the same weights behind a step function.
    const thresholded = sequential([dense(2, 1), step()]);
    thresholded.loadStateDict({ "0.weight": perceptron.weight.value, "0.bias": perceptron.bias!.value });
    expect(values(thresholded.forward(x))).toEqual([0, 0, 0, 1]);
    perceptron.dispose();
    thresholded.dispose();
  });

  it("a 2-2-1 sigmoid network learns XOR to 100% accuracy within 1000 steps from a fixed seed", () => {
    const x = inputs();
    const y = tensor([[0], [1], [1], [0]]);
    const model = sequential([dense(2, 2, { activation: "sigmoid", seed: 10 }), dense(2, 1, { activation: "sigmoid", seed: 17 })]);
    const before = memory().tensors;
    let loss = Infinity;
    for (let i = 0; i < 1000; i++) loss = gradientDescentStep(model, x, (p) => mse(p, y), 5);
    // The loop leaks nothing: each step's tensors die with its tidy scope, assign frees the old weights.
    expect(memory().tensors).toBe(before);
    expect(loss).toBeLessThan(0.05);
    expect(classes(values(model.forward(x)))).toEqual([0, 1, 1, 0]);
    model.dispose();
  });
});
