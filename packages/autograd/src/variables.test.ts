import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { variable, type Tensor, type Variable } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad, GradientError, valueAndGrad } from "./index.js";

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** A one-neuron model holding its weights in Variables, as layers do. */
function neuron() {
  const w = variable(tc.tensor([[2], [-1]]), { name: "w" });
  const b = variable(tc.tensor([0.5]), { name: "b" });
  const forward = (x: Tensor) => x.matmul(w.value).add(b.value);
  return { w, b, forward };
}

describe("Variables as leaves of the differentiated tree", () => {
  it("differentiate with respect to the variables' values, read inside f", () => {
    const { w, b, forward } = neuron();
    const x = tc.tensor([[1, 3]]);
    // y = x·w + b = 2 − 3 + 0.5 = −0.5; loss = y².
    const [loss, g] = valueAndGrad((_params: { w: Variable; b: Variable }) => forward(x).square().sum())({ w, b });
    expect(loss.itemSync()).toBe(0.25);
    expect(g.w.arraySync()).toEqual([[-1], [-3]]); // 2y·xᵀ
    expect(g.b.arraySync()).toEqual([-1]); // 2y
    w.assign(w.value.sub(g.w.mul(0.1)));
    expect(w.value.arraySync()).toEqual([[2.1], [-0.7]].map((r) => r.map((v) => Math.fround(v))));
  });

  it("give a frozen (not trainable) variable a zero gradient", () => {
    const { w, b, forward } = neuron();
    b.trainable = false;
    const g = grad((_p: Variable[]) => forward(tc.tensor([[1, 1]])).sum())([w, b]);
    expect(g[0]!.arraySync()).toEqual([[1], [1]]);
    expect(g[1]!.arraySync()).toEqual([0]);
  });

  it("give one variable listed twice a gradient in each place", () => {
    const { w, forward } = neuron();
    const [g1, g2] = grad((_p: Variable[]) => forward(tc.tensor([[1, 2]])).sum())([w, w]);
    expect(g1!.arraySync()).toEqual([[1], [2]]);
    expect(g2!.arraySync()).toEqual([[1], [2]]);
    expect(g1).not.toBe(g2);
  });

  it("have second-order gradients", () => {
    const v = variable(tc.tensor([0.5, -1], { dtype: "float64" }));
    // ∂/∂v Σ ∂/∂v Σ v³ = ∂/∂v Σ 3v² = 6v
    const second = grad((_outer: Variable) => grad((_inner: Variable) => v.value.pow(3).sum())(v).sum())(v);
    expect(second.arraySync()).toEqual([3, -6]);
  });

  it("leak nothing and leave the variables alive", () => {
    const { w, b, forward } = neuron();
    const x = tc.tensor([[1, 3]]);
    const before = tc.memory().tensors;
    const g = grad((_p: { w: Variable; b: Variable }) => forward(x).sum())({ w, b });
    g.w.dispose();
    g.b.dispose();
    expect(tc.memory().tensors).toBe(before);
    expect(w.value.isDisposed).toBe(false);
  });

  it("must hold float values", () => {
    const steps = variable(tc.tensor([1], { dtype: "int32" }));
    expect(() => grad((_s: Variable) => tc.scalar(1))(steps)).toThrow(GradientError);
    expect(() => grad((_s: Variable) => tc.scalar(1))(steps)).toThrow(/int32 variable/);
  });
});
