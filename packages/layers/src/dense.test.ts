import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, DTypeError, ShapeError, setBackend, setSeed, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Dense, dense, init, type ActivationName } from "./index.js";
import { gradcheckLayer, uniform, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

describe("Dense", () => {
  it("computes f(x·W + b) with weight [in, out] and bias [out]", () => {
    const layer = dense(2, 3, { activation: "relu" });
    layer.weight.assign(tensor([[1, -1, 0.5], [2, 0, -1]]));
    layer.bias!.assign(tensor([0.5, 0, -3]));
    // x = [1, 2]: z = [1 + 4 + 0.5, −1 + 0 + 0, 0.5 − 2 − 3] = [5.5, −1, −4.5]
    expect(values(layer.forward(tensor([[1, 2]])))).toEqual([5.5, 0, 0]);
    expect(layer.forward(tensor([1, 2])).shape).toEqual([3]); // one sample of rank 1
    expect(layer.forward(tensor([[[1, 2]], [[1, 2]]])).shape).toEqual([2, 1, 3]);
    expect(layer.weight.shape).toEqual([2, 3]);
    expect(layer.bias!.shape).toEqual([3]);
    expect(Object.keys(layer.namedParameters())).toEqual(["weight", "bias"]);
  });

  it("applies the activations that do not fuse after the product (leaky ReLU with its slope, softsign, step, softmax)", () => {
    const layer = dense(1, 2, { activation: "leakyRelu", slope: 0.5, bias: false });
    layer.weight.assign(tensor([[1, -1]]));
    expect(values(layer.forward(tensor([[2]])))).toEqual([2, -1]);
    const probabilities = dense(3, 4, { activation: "softmax", seed: 1 }).forward(tensor([[1, 2, 3]]));
    expect(values(probabilities).reduce((a, b) => a + b)).toBeCloseTo(1, 6);
  });

  it("without bias holds only a weight", () => {
    const layer = dense(4, 2, { bias: false });
    expect(layer.bias).toBeNull();
    expect(Object.keys(layer.namedParameters())).toEqual(["weight"]);
    expect(String(layer)).toBe("Dense(4 → 2, no bias)");
  });

  it("refuses a wrong feature count with a ShapeError naming the layer and the shapes", () => {
    const layer = dense(8, 16, { activation: "relu" });
    let error: unknown;
    try {
      layer.forward(tensor(new Float32Array(14), { shape: [2, 7] }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ShapeError);
    expect((error as ShapeError).op).toBe("Dense(8 → 16, relu)");
    expect((error as Error).message).toContain("expected 8 input features");
    expect((error as Error).message).toContain("[2, 7]");
  });

  it("refuses an input of another dtype, and bad sizes or activations at construction", () => {
    expect(() => dense(2, 2).forward(tensor([[1, 2]], { dtype: "float64" }))).toThrow(DTypeError);
    expect(() => dense(0, 2)).toThrow(ArgumentError);
    expect(() => dense(2, 1.5)).toThrow(ArgumentError);
    expect(() => dense(2, 2, { activation: "swish" as ActivationName })).toThrow(/unknown activation "swish"/);
  });

  for (const activation of ["linear", "sigmoid", "tanh", "relu", "leakyRelu", "softsign", "softmax"] as const) {
    it(`passes gradcheck with respect to input, weight and bias (${activation})`, async () => {
      await gradcheckLayer(dense(4, 3, { activation, seed: 5, biasInit: init.uniform(0.5) }), uniform([5, 4], 2));
    });
  }

  it("initializes weights Glorot uniform and biases to zeros by default", () => {
    const layer = new Dense(300, 200);
    const limit = Math.sqrt(6 / 500);
    const w = values(layer.weight.value);
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...w)).toBeGreaterThan(0.95 * limit);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeCloseTo(2 / 500, 4); // Var = l²/3 = 2 / (fanIn + fanOut)
    expect(values(layer.bias!.value).every((b) => b === 0)).toBe(true);
    layer.dispose();
  });

  it("is reproducible with a seed, and from the global stream after setSeed", () => {
    expect(values(dense(3, 2, { seed: 7 }).weight.value)).toEqual(values(dense(3, 2, { seed: 7 }).weight.value));
    expect(values(dense(3, 2, { seed: 7 }).weight.value)).not.toEqual(values(dense(3, 2, { seed: 8 }).weight.value));
    setSeed(42);
    const a = values(dense(3, 2).weight.value);
    setSeed(42);
    expect(values(dense(3, 2).weight.value)).toEqual(a);
  });

  it("takes the course notes' small normal weights with init normal(σ), and float64 with dtype", () => {
    const layer = dense(200, 100, { init: init.normal(0.01), seed: 1, dtype: "float64" });
    const w = values(layer.weight.value);
    expect(layer.weight.dtype).toBe("float64");
    expect(w.every((v) => v !== 0 && Math.abs(v) < 0.06)).toBe(true);
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(0.01, 3);
  });
});
