import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { scalar, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad, valueAndGrad, vjp } from "./index.js";
import { f64 } from "./testing.js";

beforeAll(async () => {
  await tc.setBackend(cpu());
});

describe("the course notes' example f(x, y, z) = (x + y)·z", () => {
  const f = (x: Tensor, y: Tensor, z: Tensor) => x.add(y).mul(z);

  it("gives f = −12 and ∂f/∂x = −4, ∂f/∂y = −4, ∂f/∂z = 3 at x = −2, y = 5, z = −4", () => {
    const [x, y, z] = [scalar(-2), scalar(5), scalar(-4)];
    const [dx, dy, dz] = grad(f, [0, 1, 2])(x, y, z);
    expect([dx.itemSync(), dy.itemSync(), dz.itemSync()]).toEqual([-4, -4, 3]);
    const [value, dxOnly] = valueAndGrad(f)(x, y, z);
    expect(value.itemSync()).toBe(-12);
    expect(dxOnly.itemSync()).toBe(-4);
  });
});

describe("grad", () => {
  it("differentiates the first argument by default, or the one argnums names", () => {
    const f = (x: Tensor, y: Tensor) => x.mul(x).mul(y).sum();
    const [x, y] = [tensor([1, 2]), tensor([3, 4])];
    expect(grad(f)(x, y).arraySync()).toEqual([6, 16]); // 2xy
    expect(grad(f, 1)(x, y).arraySync()).toEqual([1, 4]); // x²
    const [dy, dx] = grad(f, [1, 0])(x, y);
    expect([dy.arraySync(), dx.arraySync()]).toEqual([
      [1, 4],
      [6, 16],
    ]);
  });

  it("returns gradients shaped like a tree of parameters, with null for other leaves", () => {
    interface Params {
      layers: { w: Tensor; b: Tensor }[];
      scale: Tensor;
      name: string;
    }
    const params: Params = {
      layers: [
        { w: tensor([[1, 2], [3, 4]]), b: tensor([0.5, -0.5]) },
        { w: tensor([[1], [2]]), b: tensor([1]) },
      ],
      scale: scalar(2),
      name: "net",
    };
    // h = x·W₁ + b₁ = [−1.5, −2.5]; z = h·W₂ + b₂ = −5.5; loss = 2z.
    const loss = (p: Params, x: Tensor) => {
      const h = x.matmul(p.layers[0]!.w).add(p.layers[0]!.b);
      return h.matmul(p.layers[1]!.w).add(p.layers[1]!.b).sum().mul(p.scale);
    };
    const [value, g] = valueAndGrad(loss)(params, tensor([[1, -1]]));
    expect(value.itemSync()).toBe(-11);
    expect(g.name).toBeNull();
    expect(g.scale.itemSync()).toBe(-5.5);
    expect(g.layers[1]!.b.arraySync()).toEqual([2]);
    expect(g.layers[1]!.w.arraySync()).toEqual([[-3], [-5]]);
    expect(g.layers[0]!.b.arraySync()).toEqual([2, 4]);
    expect(g.layers[0]!.w.arraySync()).toEqual([[2, 4], [-2, -4]]);
  });

  it("gives each argument its own gradient when one tensor is passed twice", () => {
    const x = tensor([3]);
    const [da, db] = grad((a: Tensor, b: Tensor) => a.mul(2).add(b.mul(5)).sum(), [0, 1])(x, x);
    expect([da.arraySync(), db.arraySync()]).toEqual([[2], [5]]);
  });

  it("sums the gradient of a tensor used several times", () => {
    expect(grad((x: Tensor) => x.mul(x).add(x).sum())(tensor([3])).arraySync()).toEqual([7]);
  });

  it("gives 1 for the identity and zeros for a function that does not depend on the argument", () => {
    expect(grad((x: Tensor) => x)(scalar(4)).itemSync()).toBe(1);
    const constant = tensor([5]);
    expect(grad((x: Tensor) => constant.sum().add(tc.floor(x).sum()))(tensor([1.5, 2.5])).arraySync()).toEqual([0, 0]);
    expect(grad((_x: Tensor) => constant.sum())(tensor([1, 2])).arraySync()).toEqual([0, 0]);
  });

  it("keeps a returned argument alive", () => {
    const y = tensor([2]);
    const g = grad((x: Tensor, z: Tensor) => z.add(x.mul(0)).sum(), 1)(tensor([1]), y);
    expect(g.arraySync()).toEqual([1]);
    expect(grad((_x: Tensor, z: Tensor) => z, 1)(tensor([1]), scalar(3)).itemSync()).toBe(1);
    expect(y.isDisposed).toBe(false);
  });

  it("works in float64 and keeps the dtype", () => {
    const g = grad((x: Tensor) => x.exp().sum())(f64([0, 1]));
    expect(g.dtype).toBe("float64");
    expect(g.arraySync()).toEqual([1, Math.E]);
  });

  it("runs a few steps of gradient descent on the notes' neuron ŷ = σ(w₀ + xᵀw)", () => {
    const x = tensor([[12, 6], [22, 6.5], [115, 4], [31, 9]]).div(100);
    const y = tensor([[0.93], [0.68], [0.95], [0.75]]);
    let params = { w: tensor([[0.01], [-0.01]]), b: tensor([0]) };
    const loss = (p: typeof params) => tc.mean(tc.square(tc.sigmoid(x.matmul(p.w).add(p.b)).sub(y)));
    const first = loss(params).itemSync();
    for (let step = 0; step < 50; step++) {
      const [value, g] = valueAndGrad(loss)(params);
      value.dispose();
      params = { w: params.w.sub(g.w.mul(1)), b: params.b.sub(g.b.mul(1)) };
    }
    expect(loss(params).itemSync()).toBeLessThan(first / 2);
  });
});

describe("vjp", () => {
  it("pulls a cotangent back through a non-scalar function", () => {
    const result = vjp((x: Tensor, w: Tensor) => x.mul(x).mul(w), tensor([1, 2, 3]), scalar(2));
    expect(result.value.arraySync()).toEqual([2, 8, 18]);
    const [dx, dw] = result.pullback(tensor([1, 0, 1]));
    expect(dx.arraySync()).toEqual([4, 0, 12]); // 2xw · c
    expect(dw.itemSync()).toBe(10); // Σ x² c
    const [dx2] = result.pullback(tensor([0, 1, 0]));
    expect(dx2.arraySync()).toEqual([0, 8, 0]);
    result.dispose();
    expect(() => result.pullback(tensor([1, 1, 1]))).toThrow(/disposed/);
  });

  it("builds a Jacobian row by row", () => {
    using result = vjp((x: Tensor) => tc.softmax(x), f64([1, 2, 3]));
    const s = result.value.arraySync() as number[];
    for (let i = 0; i < 3; i++) {
      const [row] = result.pullback(tc.oneHot(tensor([i], { dtype: "int32" }), 3, { dtype: "float64" }).reshape([3]));
      const expected = s.map((sj, j) => (i === j ? s[i]! * (1 - sj) : -s[i]! * sj));
      (row.arraySync() as number[]).forEach((v, j) => expect(v).toBeCloseTo(expected[j]!, 12));
    }
  });

  it("casts a cotangent of another float dtype", () => {
    using result = vjp((x: Tensor) => x.mul(3), f64([1, 2]));
    const [dx] = result.pullback(tensor([1, 1]));
    expect(dx.dtype).toBe("float64");
    expect(dx.arraySync()).toEqual([3, 3]);
  });
});
