import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customGrad, grad, noGrad, stopGradient, valueAndGrad, vjp } from "./index.js";
import { uniform } from "./testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** Live tensors and buffers, to compare before and after. */
function live(): [number, number] {
  const m = tc.memory();
  return [m.tensors, m.buffers];
}

/** A small network with most kinds of op: matmul, broadcasting, activations, softmax, reductions, slices. */
function network(p: { w1: Tensor; b1: Tensor; w2: Tensor }, x: Tensor): Tensor {
  const h = tc.relu(x.matmul(p.w1).add(p.b1));
  const logits = tc.linear(h, p.w2, null, "tanh");
  const picked = tc.gather(tc.logSoftmax(logits), tc.tensor([0, 1, 1], { dtype: "int32" }), 1);
  return tc.mean(picked.slice([0, 0], [3, 2])).add(tc.sigmoid(p.b1).max()).add(tc.maximum(stopGradient(p.b1), 0.1).sum());
}

describe("memory: the gradients are the only new tensors", () => {
  const params = () => ({ w1: uniform([4, 5], 1), b1: uniform([5], 2), w2: uniform([5, 3], 3) });
  const x = () => uniform([3, 4], 4);

  it("grad leaks nothing", () => {
    const [p, input] = [params(), x()];
    const before = live();
    const g = grad(network)(p, input);
    expect(live()).toEqual([before[0] + 3, before[1] + 3]);
    for (const t of [g.w1, g.b1, g.w2]) t.dispose();
    expect(live()).toEqual(before);
  });

  it("valueAndGrad keeps only the value and the gradients", () => {
    const [p, input] = [params(), x()];
    const before = live();
    const [value, g] = valueAndGrad(network, [0, 1])(p, input);
    expect(live()[0]).toBe(before[0] + 1 + 3 + 1);
    for (const t of [value, g[0].w1, g[0].b1, g[0].w2, g[1]]) t.dispose();
    expect(live()).toEqual(before);
  });

  it("grad of grad leaks nothing", () => {
    const input = uniform([3], 5);
    const before = live();
    const second = grad((t: Tensor) => grad((u: Tensor) => tc.sigmoid(u).mul(tc.tanh(u)).sum())(t).sum())(input);
    second.dispose();
    expect(live()).toEqual(before);
  });

  it("vjp frees its saved tensors on dispose", () => {
    const [input, c1, c2] = [uniform([2, 3], 6), uniform([2, 2], 7), uniform([2, 2], 8)];
    const before = live();
    const result = vjp((t: Tensor) => tc.softmax(t.matmul(t.transpose())), input);
    const [g1] = result.pullback(c1);
    const [g2] = result.pullback(c2);
    result.dispose();
    for (const t of [result.value, g1, g2]) t.dispose();
    expect(live()).toEqual(before);
  });

  it("a failing grad leaks nothing", () => {
    const input = uniform([3], 9);
    const before = live();
    expect(() => grad((t: Tensor) => t.exp())(input)).toThrow();
    expect(() => grad((t: Tensor) => tc.runOp("noRule", [t], {}, true, () => t.mul(2)).sum())(input)).toThrow();
    const bad = customGrad((t: Tensor) => t.sum(), (g) => [g]);
    expect(() => grad((t: Tensor) => bad(t.exp()))(input)).toThrow();
    expect(() =>
      grad((t: Tensor) => {
        t.exp();
        throw new Error("boom");
      })(input),
    ).toThrow("boom");
    expect(live()).toEqual(before);
  });

  it("grad inside a tidy scope hands its gradients to that scope", () => {
    const input = uniform([3], 10);
    const before = live();
    const kept = tc.tidy(() => {
      const g = grad((t: Tensor) => t.square().sum())(input);
      grad((t: Tensor) => t.exp().sum())(input); // not returned: freed with the scope
      return g;
    });
    expect(live()[0]).toBe(before[0] + 1);
    kept.dispose();
    expect(live()).toEqual(before);
  });

  it("noGrad and stopGradient keep nothing alive", () => {
    const input = uniform([3], 11);
    const before = live();
    const g = grad((t: Tensor) => noGrad(() => t.exp()).mul(t).sum())(input);
    g.dispose();
    expect(live()).toEqual(before);
  });
});

describe("memory: a gradient with respect to a Variable belongs to the variable", () => {
  const setup = () => {
    const w = tc.variable(uniform([3, 2], 20), { name: "w" });
    const b = tc.variable(uniform([2], 21), { name: "b" });
    const x = uniform([4, 3], 22);
    const loss = (_p: { w: tc.Variable; b: tc.Variable }) => x.matmul(w.value).add(b.value).square().mean();
    return { w, b, x, loss, params: { w, b } };
  };

  it("the next gradient frees the previous one and its value: a loop without dispose stays flat", () => {
    const { w, b, x, loss, params } = setup();
    const before = live();
    const [v1, g1] = valueAndGrad(loss)(params);
    expect(w.grad).toBe(g1.w);
    expect(b.grad).toBe(g1.b);
    expect(live()[0]).toBe(before[0] + 3);
    const [v2, g2] = valueAndGrad(loss)(params);
    for (const t of [v1, g1.w, g1.b]) expect(t.isDisposed).toBe(true);
    expect(() => g1.w.dataSync()).toThrow(tc.DisposedError);
    expect(v2.isDisposed).toBe(false);
    expect(w.grad).toBe(g2.w);
    for (let i = 0; i < 50; i++) grad(loss)(params);
    expect(live()[0]).toBe(before[0] + 2); // the last gradients; grad's value is freed at once
    expect(v2.isDisposed).toBe(true);
    w.dispose();
    b.dispose();
    x.dispose();
  });

  it("keep() takes gradients and value for the caller; disposing a gradient early leaves the value", () => {
    const { w, b, x, loss, params } = setup();
    const [value, g] = tc.keep(valueAndGrad(loss)(params));
    expect(w.grad).toBeNull();
    grad(loss)(params);
    expect(value.isDisposed || g.w.isDisposed || g.b.isDisposed).toBe(false);
    for (const t of [value, g.w, g.b]) t.dispose();
    const [v2, g2] = valueAndGrad(loss)(params);
    g2.w.dispose();
    g2.b.dispose();
    expect(v2.isDisposed).toBe(false); // its variables still hold this generation (disposed or not)
    expect(w.grad).toBeNull();
    w.dispose();
    b.dispose();
    expect(v2.isDisposed).toBe(true); // no variable holds it any more
    x.dispose();
  });

  it("disposing a variable frees its gradient; plain-tensor gradients stay the caller's", () => {
    const { w, b, x, loss, params } = setup();
    const before = live();
    const gw = grad(loss)(params).w;
    w.dispose();
    expect(gw.isDisposed).toBe(true);
    const t = uniform([2], 23);
    const gt = grad((u: Tensor) => u.square().sum())(t);
    grad((u: Tensor) => u.square().sum())(t);
    expect(gt.isDisposed).toBe(false);
    gt.dispose();
    t.dispose();
    b.dispose();
    x.dispose();
    expect(live()[0]).toBeLessThan(before[0]);
  });
});
