import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { grad } from "../index.js";
import { expectGradcheck, f64, uniform } from "../testing.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** Weights the result elementwise, so that every position's gradient differs. */
function weighted(t: Tensor): Tensor {
  return t.mul(uniform(t.shape, 99)).sum();
}

describe("movement rules move the gradient back", () => {
  const cases: [string, (x: Tensor) => Tensor, number[]][] = [
    ["clone", (x) => x.clone(), [2, 3]],
    ["reshape", (x) => x.reshape([3, 2]), [2, 3]],
    ["flatten, expandDims, squeeze", (x) => x.flatten().expandDims(0).squeeze(), [2, 3]],
    ["transpose (reverse)", (x) => x.transpose(), [2, 3, 4]],
    ["transpose [2, 0, 1]", (x) => x.transpose([2, 0, 1]), [2, 3, 4]],
    ["broadcastTo a new leading axis", (x) => x.broadcastTo([4, 3]), [3]],
    ["broadcastTo size-1 axes", (x) => x.broadcastTo([2, 3, 4]), [2, 1, 1]],
    ["slice", (x) => x.slice([1, 1], [2, 2]), [3, 4]],
    ["stridedSlice with steps 2 and 3", (x) => tc.stridedSlice(x, [1, 0], [7, 8], [2, 3]), [7, 8]],
    ["stridedSlice whose last step overruns the axis", (x) => tc.stridedSlice(x, [0], [5], [4]), [5]],
    ["pad", (x) => x.pad([[1, 2], [0, 3]], 5), [2, 3]],
    ["split", (x) => { const [a, b, c] = tc.split(x, [1, 2, 1], 1); return tc.concat([c!, a!.mul(2), b!.mul(3)], 1); }, [2, 4]],
    ["concat along axis 0", (x) => tc.concat([x, x.mul(2), x.slice([0, 0], [1, 3])], 0), [2, 3]],
    ["stack", (x) => tc.stack([x, x.neg()], 1), [2, 3]],
  ];
  for (const [label, f, shape] of cases) {
    it(label, async () => {
      await expectGradcheck((x) => weighted(f(x)), [uniform(shape, 21)]);
    });
  }

  it("a slice that selects nothing has a zero gradient", () => {
    const g = grad((x: Tensor) => x.slice([1], [0]).sum().add(x.sum().mul(0)))(f64([1, 2, 3]));
    expect(g.arraySync()).toEqual([0, 0, 0]);
  });

  it("cast between float dtypes casts the gradient back", () => {
    const g = grad((x: Tensor) => x.cast("float32").mul(2).sum())(f64([1, 2]));
    expect(g.dtype).toBe("float64");
    expect(g.arraySync()).toEqual([2, 2]);
  });

  it("a cast to int32 or bool carries no gradient", () => {
    const g = grad((x: Tensor) => x.cast("int32").cast("float64").add(x.cast("bool").cast("float64")).sum())(f64([1.5, 2.5]));
    expect(g.arraySync()).toEqual([0, 0]);
  });
});

describe("gather and scatterAdd are each other's adjoints", () => {
  const indices = () => tc.tensor([2, 0, 2, 1], { dtype: "int32" });

  it("gather along axis 0 with repeated indices", async () => {
    await expectGradcheck((x) => weighted(tc.gather(x, indices(), 0)), [uniform([3, 2], 31)]);
  });

  it("gather along axis 1 with 2-D indices", async () => {
    await expectGradcheck((x) => weighted(tc.gather(x, tc.tensor([[0, 1], [1, 1]], { dtype: "int32" }), 1)), [uniform([2, 3], 32)]);
  });

  it("the gradient of gather sums repeated indices", () => {
    const g = grad((x: Tensor) => tc.gather(x, indices()).sum())(f64([10, 20, 30]));
    expect(g.arraySync()).toEqual([1, 1, 2]);
  });

  it("scatterAdd", async () => {
    await expectGradcheck((u) => weighted(tc.scatterAdd(u, indices(), 0, [3, 2])), [uniform([4, 2], 33)]);
  });

  it("gather with the indices passed as an int input to gradcheck", async () => {
    await expectGradcheck((x, i) => weighted(tc.gather(x, i, 0)), [uniform([3, 2], 34), indices()]);
  });
});
