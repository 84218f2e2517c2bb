import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, ShapeError, setBackend, tensor, transpose, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { avgPool2d, batchNorm, conv2d, flatten, init, maxPool2d, sequential, type Conv2d } from "./index.js";
import { gradcheckLayer, uniform, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

/** A direct NHWC convolution with symmetric explicit padding, for reference. */
function naiveConv(x: Tensor, layer: Conv2d, stride: number, pad: number, dilation: number): number[] {
  const [n, h, w, cin] = x.shape as [number, number, number, number];
  const [kh, kw] = layer.kernelSize;
  const cout = layer.outChannels;
  const xs = values(x);
  const ws = values(layer.weight.value);
  const bs = layer.bias ? values(layer.bias.value) : new Array<number>(cout).fill(0);
  const oh = Math.floor((h + 2 * pad - dilation * (kh - 1) - 1) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - dilation * (kw - 1) - 1) / stride) + 1;
  const out: number[] = [];
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < cout; o++) {
          let s = bs[o]!;
          for (let p = 0; p < kh; p++)
            for (let q = 0; q < kw; q++) {
              const r = i * stride + p * dilation - pad;
              const c = j * stride + q * dilation - pad;
              if (r < 0 || r >= h || c < 0 || c >= w) continue;
              for (let k = 0; k < cin; k++) s += xs[((b * h + r) * w + c) * cin + k]! * ws[((p * kw + q) * cin + k) * cout + o]!;
            }
          out.push(s);
        }
  return out;
}

describe("Conv2d", () => {
  it("matches a direct convolution, with stride, padding and dilation", () => {
    const x = uniform([2, 7, 6, 3], 1);
    for (const [stride, pad, dilation] of [[1, 0, 1], [2, 1, 1], [1, 2, 2], [2, 0, 2]] as const) {
      const layer = conv2d(3, 4, [3, 2], { stride, padding: pad, dilation, seed: 1, dtype: "float64", biasInit: init.uniform(1) });
      const y = layer.forward(x);
      const expected = naiveConv(x, layer, stride, pad, dilation);
      expect(y.size).toBe(expected.length);
      values(y).forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 10));
    }
  });

  it("has weight [kh, kw, Cin, Cout] and bias [Cout], and keeps H and W with padding 'same'", () => {
    const layer = conv2d(3, 8, 3, { padding: "same" });
    expect(layer.weight.shape).toEqual([3, 3, 3, 8]);
    expect(layer.bias!.shape).toEqual([8]);
    expect(layer.forward(uniform([1, 5, 5, 3], 2).cast("float32")).shape).toEqual([1, 5, 5, 8]);
    expect(conv2d(3, 8, 3, { stride: 2, padding: "same" }).forward(uniform([1, 5, 5, 3], 2).cast("float32")).shape).toEqual([1, 3, 3, 8]);
    expect(String(layer)).toBe("Conv2d(3 → 8, 3×3, padding same)");
  });

  it("takes channels-first images with dataFormat NCHW", () => {
    const nhwc = conv2d(2, 3, 2, { seed: 4, dtype: "float64", biasInit: init.uniform(1) });
    const nchw = conv2d(2, 3, 2, { seed: 4, dtype: "float64", biasInit: init.uniform(1), dataFormat: "NCHW" });
    const x = uniform([1, 4, 4, 2], 3);
    const a = nhwc.forward(x);
    const b = nchw.forward(transpose(x, [0, 3, 1, 2]));
    expect(b.shape).toEqual([1, 3, 3, 3]);
    values(transpose(b, [0, 2, 3, 1])).forEach((v, i) => expect(v).toBeCloseTo(values(a)[i]!, 12));
  });

  it("refuses an image with the wrong channel count, naming the layer and the shapes", () => {
    const layer = conv2d(3, 8, 3);
    expect(() => layer.forward(tensor(new Float32Array(2 * 5 * 5), { shape: [2, 5, 5, 1] }))).toThrow(ShapeError);
    expect(() => layer.forward(tensor(new Float32Array(2 * 5 * 5), { shape: [2, 5, 5, 1] }))).toThrow(
      "Conv2d(3 → 8, 3×3) (argument 'x'): expected an image batch [N, H, W, 3] (NHWC), got shape [2, 5, 5, 1]",
    );
    expect(() => layer.forward(tensor(new Float32Array(75), { shape: [5, 5, 3] }))).toThrow(ShapeError);
    expect(() => conv2d(3, 8, 0)).toThrow(ArgumentError);
  });

  it("passes gradcheck with respect to input, filter and bias", async () => {
    await gradcheckLayer(conv2d(2, 3, 3, { seed: 2, biasInit: init.uniform(0.5) }), uniform([2, 5, 4, 2], 5));
    await gradcheckLayer(conv2d(2, 2, 2, { stride: 2, padding: 1, dilation: 1, seed: 3, activation: "tanh" }), uniform([1, 4, 5, 2], 6));
    await gradcheckLayer(conv2d(1, 2, 2, { dilation: 2, padding: "same", seed: 4, dataFormat: "NCHW" }), uniform([1, 1, 5, 5], 7));
  });
});

describe("pooling and Flatten", () => {
  const image = () => tensor([1, 2, 5, 6, 3, 4, 7, 8, 9, 10, 13, 14, 11, 12, 15, 16], { shape: [1, 4, 4, 1] });

  it("MaxPool2d takes each window's maximum, AvgPool2d its mean", () => {
    expect(values(maxPool2d(2).forward(image()))).toEqual([4, 8, 12, 16]);
    expect(values(avgPool2d(2).forward(image()))).toEqual([2.5, 6.5, 10.5, 14.5]);
    expect(maxPool2d(3, { stride: 1 }).forward(image()).shape).toEqual([1, 2, 2, 1]);
    expect(avgPool2d([2, 1]).forward(image()).shape).toEqual([1, 2, 4, 1]);
    expect(maxPool2d(2).parameters()).toEqual([]);
    expect(String(maxPool2d(2, { stride: 1, padding: "same" }))).toBe("MaxPool2d(2×2, stride 1×1, padding same)");
  });

  it("pooling layers pass gradcheck", async () => {
    await gradcheckLayer(maxPool2d(2), uniform([2, 4, 4, 3], 8));
    await gradcheckLayer(avgPool2d(2, { stride: 1, padding: "same" }), uniform([1, 3, 3, 2], 9));
    await gradcheckLayer(maxPool2d([2, 3], { dataFormat: "NCHW" }), uniform([1, 2, 4, 6], 10));
  });

  it("Flatten keeps the batch axis and multiplies the rest, and passes gradcheck", async () => {
    expect(flatten().forward(uniform([2, 3, 4, 5], 1)).shape).toEqual([2, 60]);
    expect(flatten().forward(uniform([2, 3], 1)).shape).toEqual([2, 3]);
    expect(() => flatten().forward(tensor(1))).toThrow(ShapeError);
    await gradcheckLayer(flatten(), uniform([2, 2, 3], 11));
  });
});

describe("BatchNorm", () => {
  it("normalizes each feature over the batch in training mode and moves the running statistics", () => {
    const layer = batchNorm(2, { momentum: 0.5 });
    const x = tensor([[1, 10], [3, 20], [5, 30]]);
    const y = values(layer.forward(x));
    // Feature 0: mean 3, biased variance 8/3; feature 1: mean 20, variance 200/3.
    const expected = [[1, 3, 5].map((v) => (v - 3) / Math.sqrt(8 / 3 + 1e-5)), [10, 20, 30].map((v) => (v - 20) / Math.sqrt(200 / 3 + 1e-5))];
    y.forEach((v, i) => expect(v).toBeCloseTo(expected[i % 2]![Math.floor(i / 2)]!, 5));
    // running ← 0.5·running + 0.5·batch, with the unbiased variance (4 and 100).
    expect(values(layer.runningMean.value)).toEqual([1.5, 10]);
    expect(values(layer.runningVar.value)).toEqual([2.5, 50.5]);
  });

  it("uses the running statistics in evaluation mode", () => {
    const layer = batchNorm(2).eval();
    layer.loadStateDict({ ...layer.stateDict(), runningMean: tensor([1, 2]), runningVar: tensor([4, 9]) });
    const y = values(layer.forward(tensor([[3, 8]])));
    expect(y[0]).toBeCloseTo(2 / Math.sqrt(4 + 1e-5), 5);
    expect(y[1]).toBeCloseTo(6 / Math.sqrt(9 + 1e-5), 5);
  });

  it("holds weight and bias as parameters and the running statistics as buffers", () => {
    const layer = batchNorm(4);
    expect(Object.keys(layer.namedParameters())).toEqual(["weight", "bias"]);
    expect(Object.keys(layer.namedBuffers())).toEqual(["runningMean", "runningVar"]);
    expect(Object.keys(layer.stateDict())).toEqual(["weight", "bias", "runningMean", "runningVar"]);
    expect(() => layer.forward(tensor([[1, 2, 3]]))).toThrow(/BatchNorm\(4\) \(argument 'x'\): expected 4 features/);
  });

  it("normalizes NHWC channels and, with axis 1, NCHW channels", () => {
    const x = uniform([2, 3, 3, 4], 12, 0, 10);
    const y = values(batchNorm(4, { dtype: "float64" }).forward(x));
    for (let c = 0; c < 4; c++) {
      const channel = y.filter((_, i) => i % 4 === c);
      expect(channel.reduce((a, b) => a + b) / channel.length).toBeCloseTo(0, 10);
      expect(channel.reduce((a, b) => a + b * b, 0) / channel.length).toBeCloseTo(1, 3);
    }
    const z = values(transpose(batchNorm(4, { axis: 1, dtype: "float64" }).forward(transpose(x, [0, 3, 1, 2])), [0, 2, 3, 1]));
    z.forEach((v, i) => expect(v).toBeCloseTo(y[i]!, 10));
  });

  it("passes gradcheck in training and in evaluation mode", async () => {
    const layer = batchNorm(3, { dtype: "float64" });
    layer.weight!.assign(uniform([3], 13, 0.5, 2));
    layer.bias!.assign(uniform([3], 14));
    await gradcheckLayer(layer, uniform([4, 3], 15));
    await gradcheckLayer(batchNorm(2, { axis: 1 }), uniform([2, 2, 3, 3], 16));
    await gradcheckLayer(layer.eval(), uniform([4, 3], 17));
  });

  it("fits between a convolution and an activation", () => {
    const model = sequential([conv2d(1, 4, 3, { seed: 1 }), batchNorm(4), flatten()]);
    expect(model.forward(uniform([2, 5, 5, 1], 1).cast("float32")).shape).toEqual([2, 36]);
  });
});
