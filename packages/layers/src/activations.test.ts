import { readFileSync } from "node:fs";
import { grad } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { LeakyReLU, Softmax, activationTable, leakyRelu, relu, sigmoid, softmax, softsign, step, tanh, type Activation } from "./index.js";
import { f64, gradcheckLayer, uniform, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const points = [-10, -3, -1, -0.25, 0, 0.25, 1, 3, 10];
const layers: Record<keyof typeof activationTable, () => Activation> = { sigmoid, step, softsign, tanh, relu, leakyRelu: () => leakyRelu() };

/** The derivative autograd finds, elementwise, at `points` (float64). */
function derivative(layer: Activation, at: readonly number[]): number[] {
  const g = grad((x: Tensor) => layer.forward(x).sum())(f64([...at]));
  return values(g);
}

describe("activation layers", () => {
  for (const [name, info] of Object.entries(activationTable)) {
    const make = layers[name as keyof typeof activationTable];

    it(`${name}: forward matches f(x) = ${info.formula}`, () => {
      values(make().forward(f64(points))).forEach((v, i) => expect(v).toBeCloseTo(info.f(points[i]!), 12));
    });

    it(`${name}: autograd's derivative is ${info.derivative.split(" (")[0]}, at every point including 0`, () => {
      derivative(make(), points).forEach((d, i) => expect(d).toBeCloseTo(info.df(points[i]!), 12));
    });
  }

  it("softsign′ is 1/(1+|x|)², not the course notes' x/(1+|x|)²", () => {
    const d = derivative(softsign(), [-2, 0, 2]);
    expect(d).toEqual([1 / 9, 1, 1 / 9].map((v) => expect.closeTo(v, 12) as number));
    expect(d[0]).not.toBeCloseTo(-2 / 9, 3); // the notes' formula: negative for x < 0
    expect(d[1]).not.toBeCloseTo(0, 3);
  });

  it("tanh is (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ), not the course notes' minus-sign denominator, with derivative 1 − tanh²", () => {
    const x = 0.5;
    const [y] = values(tanh().forward(f64([x])));
    expect(y).toBeCloseTo((Math.exp(x) - Math.exp(-x)) / (Math.exp(x) + Math.exp(-x)), 14);
    expect(y).not.toBeCloseTo(1, 3); // (eˣ − e⁻ˣ)/(eˣ − e⁻ˣ) would be 1
    expect(derivative(tanh(), [x])[0]).toBeCloseTo(1 - y! ** 2, 14);
  });

  it("leaky ReLU′ is α for x < 0 and 1 for x > 0 — the course notes swap the cases", () => {
    expect(derivative(leakyRelu(), [-5, 5])).toEqual([0.01, 1]);
    expect(derivative(leakyRelu(0.2), [-5, 0, 5])).toEqual([0.2, 0.2, 1]);
    expect(values(leakyRelu(0.2).forward(f64([-5, 5])))).toEqual([-1, 5]);
    expect(new LeakyReLU().slope).toBe(0.01);
    expect(() => leakyRelu(Number.NaN)).toThrow(ArgumentError);
  });

  it("ReLU′(0) is 0 (Neurite's convention; the notes take 1), step′ is 0 everywhere", () => {
    expect(derivative(relu(), [-1, 0, 1])).toEqual([0, 0, 1]);
    expect(derivative(step(), [-1, 0, 1])).toEqual([0, 0, 0]);
  });

  it("softmax gives probabilities along the last axis, or another axis", () => {
    const p = softmax().forward(tensor([[1, 2, 3], [0, 0, 0]]));
    const expected = [1, 2, 3].map((v) => Math.exp(v) / (Math.E + Math.E ** 2 + Math.E ** 3));
    values(p).slice(0, 3).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
    values(p).slice(3).forEach((v) => expect(v).toBeCloseTo(1 / 3, 6));
    const columns = new Softmax(0).forward(tensor([[0, 5], [0, 5]]));
    expect(values(columns)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it("every activation layer passes gradcheck away from its kinks (softmax too)", async () => {
    const x = uniform([3, 4], 1, -3, 3);
    for (const make of [sigmoid, softsign, tanh, relu, () => leakyRelu(0.1), softmax, () => softmax(0)]) await gradcheckLayer(make(), x);
  });

  it("activation layers have no parameters and name themselves", () => {
    expect(relu().parameters()).toEqual([]);
    expect([sigmoid(), step(), softsign(), tanh(), relu(), leakyRelu(0.2), softmax()].map(String)).toEqual([
      "Sigmoid()",
      "Step()",
      "Softsign()",
      "Tanh()",
      "ReLU()",
      "LeakyReLU(0.2)",
      "Softmax()",
    ]);
  });

  it("the README's activation table states the same functions and derivatives as activationTable", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const [name, info] of Object.entries(activationTable)) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\` |`));
      expect(row, name).toBeDefined();
      const escape = (text: string) => text.replaceAll("|", "\\|");
      expect(row).toContain(escape(info.formula));
      expect(row).toContain(escape(info.derivative.split(" (")[0]!));
      expect(row!.includes("**wrong**")).toBe(info.courseNotesError !== undefined);
    }
  });
});
