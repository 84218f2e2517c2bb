import { baseContractOnly, countingBackend } from "@neurite/backend-conformance";
import * as tc from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "./index.js";

/**
 * Elementwise programs end to end on backend-cpu: kernel counts with and without the `elementwise`
 * capability (the counting proxy of the conformance kit), exact memory accounting, and the builder's checks.
 */

async function counted(base: tc.Backend) {
  const counting = countingBackend(base);
  await tc.setBackend(counting.backend);
  return counting;
}

describe("relu and friends as programs", () => {
  it("relu is one kernel with the capability, its four primitives without, with equal values", async () => {
    const values = [-2, -0, 0, 0.5, 3, Number.NaN];
    const fused = await counted(cpu());
    const x = tc.tensor(values);
    fused.reset();
    const y = tc.relu(x);
    expect(fused.counts()).toMatchObject({ kernels: 1, scalarFills: 0, byKernel: { elementwise: 1 } });
    const fusedValues = Array.from(await y.data());

    const plain = await counted(baseContractOnly(cpu()));
    const x2 = tc.tensor(values);
    plain.reset();
    const y2 = tc.relu(x2);
    expect(plain.counts()).toMatchObject({ kernels: 4, scalarFills: 2, byKernel: { fill: 2, "binary.greater": 1, where: 1 } });
    expect(Array.from(await y2.data())).toEqual(fusedValues);
    // NaN > 0 is false: relu(NaN) is 0, as where(x > 0, x, 0) says.
    expect(fusedValues).toEqual([0, 0, 0, 0.5, 3, 0]);
  });

  it("a tensor and a number is one program with a constant: no fill", async () => {
    const counting = await counted(cpu());
    const x = tc.tensor([1, 2, 3], { dtype: "int32" });
    counting.reset();
    const y = x.mul(3).add(1);
    expect(counting.counts()).toMatchObject({ kernels: 2, scalarFills: 0 });
    expect(Array.from(await y.data())).toEqual([4, 7, 10]);
  });

  it("sigmoid, softsign, leakyRelu and clip are one kernel each", async () => {
    const counting = await counted(cpu());
    const x = tc.tensor([-3, -0.5, 0, 0.5, 3]);
    for (const f of [tc.sigmoid, tc.softsign, (t: tc.Tensor) => tc.leakyRelu(t, 0.2), (t: tc.Tensor) => tc.clip(t, -1, 1)]) {
      counting.reset();
      f(x).dispose();
      expect(counting.counts().kernels).toBe(1);
    }
  });
});

describe("memory stays exact", () => {
  for (const [label, make] of [
    ["with the capability", () => cpu()],
    ["expanded into primitives", () => baseContractOnly(cpu())],
  ] as const) {
    it(label, async () => {
      const backend = await tc.setBackend(make());
      const x = tc.tensor([[1, -2, 3]]);
      const before = tc.memory(backend);
      const y = tc.fuse("chain", [x], (p, v) => p.binary("mul", p.unary("exp", p.unary("neg", p.binary("sub", v, 1))), 2.5), { shape: [2, 3] });
      const during = tc.memory(backend);
      expect(during.tensors - before.tensors).toBe(1);
      expect(during.buffers - before.buffers).toBe(1);
      expect(during.bytes - before.bytes).toBe(6 * 4);
      expect(y.shape).toEqual([2, 3]);
      y.dispose();
      expect(tc.memory(backend)).toEqual(before);
    });
  }
});

describe("the program builder", () => {
  it("checks dtypes as the op layer does, naming the public op", () => {
    const b = new tc.ProgramBuilder("myOp", ["int32", "float32"]);
    expect(() => b.binary("add", b.input(0), b.input(1))).toThrow(tc.DTypeError);
    expect(() => b.binary("add", b.input(0), 0.5)).toThrow(/myOp \(argument 'b'\): the value 0\.5 does not fit int32 \(it is not an integer\)/s);
    expect(() => b.unary("exp", b.input(0))).toThrow(/myOp/);
    expect(() => b.where(b.input(1), 1, 0)).toThrow(/condition/);
  });

  it("keys a program by its structure, not its constants' values", () => {
    const build = (c: number) => {
      const b = new tc.ProgramBuilder("p", ["float32"]);
      return b.build(b.binary("mul", b.input(0), c));
    };
    expect(build(0.9).key).toBe(build(0.999).key);
    expect(tc.constantsOf(build(0.5))).toEqual([0.5]);
    // float32 constants are stored rounded, as a float32 tensor would hold them.
    expect(tc.constantsOf(build(0.1))).toEqual([Math.fround(0.1)]);
  });
});
