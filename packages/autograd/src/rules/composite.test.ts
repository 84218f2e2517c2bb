import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, it } from "vitest";
import { expectGradcheck, uniform } from "../testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

function weighted(t: Tensor): Tensor {
  return t.mul(uniform(t.shape, 98)).sum();
}

describe("composite ops are differentiated, with or without a rule of their own", () => {
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ["sigmoid (rule)", tc.sigmoid, [2, 3]],
    ["sigmoid through its primitives", (x) => tc.div(1, tc.add(tc.exp(tc.neg(x)), 1)), [2, 3]],
    ["softmax (rule) on the last axis", (x) => tc.softmax(x), [2, 4]],
    ["softmax (rule) on axis 0", (x) => tc.softmax(x, 0), [3, 2]],
    ["softmax through its primitives", (x) => { const e = tc.exp(tc.sub(x, tc.max(x, 1, true))); return tc.div(e, tc.sum(e, 1, true)); }, [2, 4]],
    ["logSoftmax (rule)", (x) => tc.logSoftmax(x), [2, 4]],
    ["softsign", tc.softsign, [2, 3]],
    ["relu away from 0", tc.relu, [2, 3]],
    ["leakyRelu away from 0", (x) => tc.leakyRelu(x, 0.2), [2, 3]],
    ["square and reciprocal", (x) => tc.reciprocal(tc.add(tc.square(x), 1)), [2, 3]],
    ["softplus", tc.softplus, [2, 3]],
    ["logSigmoid", tc.logSigmoid, [2, 3]],
    ["clip (rule) away from the bounds", (x) => tc.clip(x, -0.5, 0.5), [2, 3]],
  ];
  for (const [label, f, shape] of cases) {
    it(label, async () => {
      await expectGradcheck((x) => weighted(f(x)), [uniform(shape, 41, -2, 2)]);
    });
  }
});

describe("convolution and pooling (composites of slices, pads, stacks and matmul)", () => {
  it("conv2d, stride 1, same padding", async () => {
    await expectGradcheck((x, w) => weighted(tc.conv2d(x, w, { padding: "same" })), [uniform([1, 4, 4, 2], 51), uniform([3, 3, 2, 2], 52)]);
  });

  it("conv2d, stride 2, valid padding, dilation 1, NCHW", async () => {
    await expectGradcheck((x, w) => weighted(tc.conv2d(x, w, { stride: 2, dataFormat: "NCHW" })), [uniform([2, 1, 5, 5], 53), uniform([2, 2, 1, 2], 54)]);
  });

  it("conv2d with dilation 2", async () => {
    await expectGradcheck((x, w) => weighted(tc.conv2d(x, w, { dilation: 2 })), [uniform([1, 5, 5, 1], 55), uniform([2, 2, 1, 1], 56)]);
  });

  it("maxPool2d", async () => {
    await expectGradcheck((x) => weighted(tc.maxPool2d(x, { poolSize: 2 })), [uniform([1, 4, 4, 2], 57)]);
  });

  it("maxPool2d with same padding and stride 1", async () => {
    await expectGradcheck((x) => weighted(tc.maxPool2d(x, { poolSize: 3, stride: 1, padding: "same" })), [uniform([1, 3, 3, 1], 58)]);
  });

  it("avgPool2d with same padding", async () => {
    await expectGradcheck((x) => weighted(tc.avgPool2d(x, { poolSize: 2, padding: "same" })), [uniform([1, 3, 3, 2], 59)]);
  });
});
