import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, ShapeError, memory, ones, setBackend, tidy, variable, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Module, batchNorm, conv2d, dense, dropout, flatten, maxPool2d, relu, sequential, summary } from "./index.js";

beforeAll(async () => {
  await setBackend(cpu());
});

/** A hand count: a Dense(in → out) layer holds in·out weights and out biases. */
const denseCount = (sizes: readonly number[], bias = true): number =>
  sizes.slice(1).reduce((n, out, i) => n + sizes[i]! * out + (bias ? out : 0), 0);

describe("summary", () => {
  it("counts the course notes' 270 weights and biases for a network of 8 inputs and 4 outputs", () => {
    // 8 → 10 → 6 → 10 → 4: (8·10 + 10) + (10·6 + 6) + (6·10 + 10) + (10·4 + 4) = 90 + 66 + 70 + 44 = 270.
    const model = sequential([
      dense(8, 10, { activation: "relu" }),
      dense(10, 6, { activation: "relu" }),
      dense(6, 10, { activation: "relu" }),
      dense(10, 4),
    ]);
    const s = summary(model, [8]);
    expect(denseCount([8, 10, 6, 10, 4])).toBe(270);
    expect(s.totalParameters).toBe(270);
    expect(s.trainableParameters).toBe(270);
    expect(s.rows.map((r) => r.parameters)).toEqual([90, 66, 70, 44]);
    expect(s.rows.map((r) => r.outputShape)).toEqual([[1, 10], [1, 6], [1, 10], [1, 4]]);
    expect(s.outputShape).toEqual([1, 4]);
    expect(s.text).toContain("Total parameters: 270 (trainable 270, non-trainable 0)");
    expect(s.text).toContain("0 Dense(8 → 10, relu)");
    expect(String(s)).toBe(s.text);
  });

  it("matches a hand count for any architecture, with and without biases", () => {
    // 8 → 9 → 9 → 9 → 4 holds 270 weights, and 301 parameters once its 31 biases are counted.
    const sizes = [8, 9, 9, 9, 4];
    const build = (bias: boolean) => sequential(sizes.slice(1).map((out, i) => dense(sizes[i]!, out, { bias })));
    expect(summary(build(false), [8]).totalParameters).toBe(270);
    expect(summary(build(true), [8]).totalParameters).toBe(301);
    for (const arch of [[8, 16, 4], [3, 1], [5, 7, 7, 7, 2], [100, 50, 10]]) {
      const layers = arch.slice(1).map((out, i) => dense(arch[i]!, out));
      expect(summary(sequential(layers), [arch[0]!]).totalParameters).toBe(denseCount(arch));
    }
  });

  it("lists parameter-free layers with 0 and their output shapes", () => {
    const s = summary(sequential([dense(8, 16), relu(), dropout(0.5), dense(16, 4)]), [8], { batchSize: 32 });
    expect(s.rows.map((r) => [r.name, r.layer, r.outputShape, r.parameters])).toEqual([
      ["0", "Dense(8 → 16)", [32, 16], 144],
      ["1", "ReLU()", [32, 16], 0],
      ["2", "Dropout(0.5)", [32, 16], 0],
      ["3", "Dense(16 → 4)", [32, 4], 68],
    ]);
    expect(s.totalParameters).toBe(212);
  });

  it("counts a convolutional network by hand: kh·kw·Cin·Cout + Cout per Conv2d, buffers excluded", () => {
    const model = sequential([
      conv2d(1, 8, 3, { padding: "same", activation: "relu" }), // 3·3·1·8 + 8 = 80
      maxPool2d(2), // [14, 14, 8]
      conv2d(8, 16, 3), // 3·3·8·16 + 16 = 1168, [12, 12, 16]
      batchNorm(16), // 16 + 16 = 32 (the running mean and variance are buffers)
      relu(),
      maxPool2d(2), // [6, 6, 16]
      flatten(), // 576
      dense(576, 10), // 5760 + 10 = 5770
    ]);
    const s = summary(model, [28, 28, 1]);
    expect(s.rows.map((r) => r.outputShape)).toEqual([
      [1, 28, 28, 8],
      [1, 14, 14, 8],
      [1, 12, 12, 16],
      [1, 12, 12, 16],
      [1, 12, 12, 16],
      [1, 6, 6, 16],
      [1, 576],
      [1, 10],
    ]);
    expect(s.rows.map((r) => r.parameters)).toEqual([80, 0, 1168, 32, 0, 0, 0, 5770]);
    expect(s.totalParameters).toBe(80 + 1168 + 32 + 5770);
  });

  it("walks custom modules in call order, lists a container's own parameters, and counts frozen ones apart", () => {
    class Net extends Module {
      readonly head = dense(4, 2);
      readonly body = sequential([dense(3, 4), relu()]);
      readonly temperature = tidy(() => variable(ones([1]), { trainable: false }));
      readonly unused = dense(2, 2);
      forward(x: Tensor): Tensor {
        return tidy(() => this.head.forward(this.body.forward(x)).div(this.temperature.value));
      }
    }
    const s = summary(new Net(), [3]);
    expect(s.rows.map((r) => [r.name, r.outputShape, r.parameters])).toEqual([
      ["body.0", [1, 4], 16],
      ["body.1", [1, 4], 0],
      ["head", [1, 2], 10],
      ["", [1, 2], 1],
      ["unused", null, 6],
    ]);
    expect(s.totalParameters).toBe(33);
    expect(s.trainableParameters).toBe(32);
    expect(s.nonTrainableParameters).toBe(1);
    expect(s.text).toContain("(not called)");
  });

  it("restores the modules' modes and forward methods, and leaks nothing", () => {
    const model = sequential([dense(4, 4), dropout(0.5)]);
    const before = memory().tensors;
    summary(model, [4]);
    expect(memory().tensors).toBe(before);
    expect(model.training && model.layers[1]!.training).toBe(true);
    expect(Object.hasOwn(model.layers[0]!, "forward")).toBe(false);
    model.layers[1]!.eval();
    summary(model, [4]);
    expect([model.training, model.layers[1]!.training]).toEqual([true, false]);
  });

  it("passes on the layer's error for a wrong input shape, and refuses a bad inputShape", () => {
    const model = sequential([dense(8, 4)]);
    expect(() => summary(model, [7])).toThrow(ShapeError);
    expect(Object.hasOwn(model.layers[0]!, "forward")).toBe(false);
    expect(() => summary(model, [0])).toThrow(ArgumentError);
  });
});
