import { grad } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, memory, randomUniform, setBackend, setSeed, tensor, tidy, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Dropout, dropout } from "./index.js";
import { gradcheckLayer, uniform, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

describe("Dropout", () => {
  it("zeroes a fraction within statistical bounds of the rate and scales kept values by exactly 1/(1 − rate)", () => {
    const n = 100_000;
    const x = randomUniform([n], { min: 0.5, max: 2, seed: 11 });
    const xs = values(x);
    const y = values(dropout(0.3, { seed: 5 }).forward(x));
    const zeroed = y.filter((v) => v === 0).length / n;
    // The zero count is Binomial(n, 0.3): its standard deviation is √(0.3 · 0.7 / n) ≈ 0.00145, so ±0.01 is ~7σ.
    expect(Math.abs(zeroed - 0.3)).toBeLessThan(0.01);
    const keep = Math.fround(0.7);
    const wrong = y.filter((v, i) => v !== 0 && v !== Math.fround(xs[i]! / keep));
    expect(wrong).toEqual([]);
  });

  it("keeps the expected value: the mean of many dropped copies of 1 is 1", () => {
    const y = values(dropout(0.5, { seed: 1 }).forward(tensor(new Float32Array(100_000).fill(1))));
    expect(y.reduce((a, b) => a + b, 0) / y.length).toBeCloseTo(1, 1);
  });

  it("is the identity in evaluation mode and with rate 0 (a new handle on the same values)", () => {
    const x = tensor([1, -2, 3]);
    const layer = dropout(0.9).eval();
    const y = layer.forward(x);
    expect(y).not.toBe(x);
    expect(values(y)).toEqual([1, -2, 3]);
    expect(values(dropout(0).forward(x))).toEqual([1, -2, 3]);
    expect(layer.train().training).toBe(true);
  });

  it("draws a new mask each training step; a seed makes the sequence reproducible", () => {
    const x = tensor(new Float32Array(64).fill(1));
    const a = dropout(0.5, { seed: 3 });
    const b = dropout(0.5, { seed: 3 });
    const first = values(a.forward(x));
    expect(values(b.forward(x))).toEqual(first);
    const second = values(a.forward(x));
    expect(second).not.toEqual(first);
    expect(values(b.forward(x))).toEqual(second);
    setSeed(9);
    const global = values(dropout(0.5).forward(x));
    setSeed(9);
    expect(values(dropout(0.5).forward(x))).toEqual(global);
  });

  it("passes the gradient through the kept values only, scaled by 1/(1 − rate), and passes gradcheck with a fixed mask", async () => {
    const x = uniform([40], 4, 0.5, 1.5);
    const g = values(grad((t: Tensor) => new Dropout(0.25, { seed: 2 }).forward(t).sum())(x));
    const y = values(new Dropout(0.25, { seed: 2 }).forward(x));
    g.forEach((d, i) => expect(d).toBeCloseTo(y[i] === 0 ? 0 : 1 / 0.75, 12));
    // A fresh layer with the same seed draws the same mask, so finite differences see one function.
    const fixed = { forward: (t: Tensor) => new Dropout(0.25, { seed: 2 }).forward(t) };
    await gradcheckLayer(Object.assign(dropout(0.25), fixed), uniform([3, 4], 6));
  });

  it("refuses a rate outside [0, 1) or NaN with an ArgumentError naming the layer", () => {
    for (const rate of [1, -0.1, 1.5, Number.NaN]) {
      expect(() => dropout(rate)).toThrow(ArgumentError);
    }
    expect(() => dropout(1)).toThrow(/Dropout\(1\) \(argument 'rate'\): expected a drop rate in \[0, 1\)/);
    expect(() => dropout(0.5, { seed: -1 })).toThrow(ArgumentError);
  });

  it("leaks nothing: its mask and intermediate results are freed", () => {
    const x = tensor(new Float32Array(100).fill(1));
    const layer = dropout(0.5);
    const before = memory().tensors;
    tidy(() => {
      layer.forward(x);
    });
    expect(memory().tensors).toBe(before);
    const y = layer.forward(x);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });

  it("reseed gives a layer its own stream, untouched by draws from the global one, and undefined hands it back", () => {
    const x = tensor(new Float32Array(64).fill(1));
    const masks = (layer: Dropout, n: number): number[][] => Array.from({ length: n }, () => values(layer.forward(x)));
    const a = dropout(0.5);
    const b = dropout(0.5);
    a.reseed(11);
    const first = masks(a, 2);
    b.reseed(11);
    randomUniform([1000]).dispose(); // another user of the global stream in between
    expect(masks(b, 2)).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    a.reseed(11);
    expect(masks(a, 1)[0]).toEqual(first[0]);
    // Back to the global stream: the same global seed gives the same mask as a fresh unseeded layer.
    a.reseed(undefined);
    setSeed(5);
    const fromGlobal = masks(a, 1)[0];
    setSeed(5);
    expect(masks(dropout(0.5), 1)[0]).toEqual(fromGlobal);
    expect(() => a.reseed(1.5)).toThrow("Dropout(0.5).reseed (argument 'seed'): expected an integer in [0, 2^53), got 1.5");
  });
});
