import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customGrad, gradcheck, GradcheckError, GradientError } from "./index.js";
import { f64, uniform } from "./testing.js";

type Tensor = tc.Tensor;

let reference: tc.Backend;

beforeAll(async () => {
  reference = await tc.setBackend(cpu());
});

/** sin with a deliberately wrong derivative (cos + 0.1) at every element. */
const wrongSin = customGrad(
  (x: Tensor) => tc.sin(x),
  (g, { inputs: [x] }) => [g.mul(tc.cos(x).add(0.1))],
  "wrongSin",
);

/** The CPU backend pretending to have no float64, as a float32-only GPU backend would. */
function float32Only(): tc.Backend {
  const inner = cpu();
  return Object.create(inner, { name: { value: "cpu-f32" }, capabilities: { value: { dtypes: ["float32", "int32", "bool"], syncRead: true } } }) as tc.Backend;
}

describe("gradcheck", () => {
  it("passes a correct gradient and reports what it compared", async () => {
    const report = await gradcheck((x) => x.tanh().sum(), [f64([0.5, -1, 2])]);
    expect(report).toMatchObject({ ok: true, mode: "full", checked: 3, failures: 0 });
    expect(report.maxAbsError).toBeLessThan(1e-8);
  });

  it("throws a GradcheckError naming the worst element of a wrong gradient", async () => {
    // Every element is off by 0.1; relative to the true derivative cos(x), element 2 is off the most.
    const x = f64([0.1, 0.2, 1.5]);
    const error = await gradcheck((t) => wrongSin(t).sum(), [x]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GradcheckError);
    const report = (error as GradcheckError).report;
    expect(report).toMatchObject({ ok: false, failures: 3, worst: { input: 0, index: 2 } });
    expect(report.worst!.numeric).toBeCloseTo(Math.cos(1.5), 6);
    expect(report.worst!.analytic).toBeCloseTo(Math.cos(1.5) + 0.1, 10);
    expect((error as Error).message).toMatch(/element 2 of input 0/);
  });

  it("only reports with throwOnFailure: false", async () => {
    const report = await gradcheck((t) => wrongSin(t).sum(), [f64([1])], { throwOnFailure: false });
    expect(report.ok).toBe(false);
  });

  it("checks non-scalar outputs through a random cotangent", async () => {
    await expect(gradcheck((x) => x.mul(x), [f64([1, 2, 3])])).resolves.toMatchObject({ ok: true });
    await expect(gradcheck((x) => wrongSin(x), [f64([1, 2, 3])])).rejects.toThrow(GradcheckError);
  });

  it("checks random directions in random mode, and catches a wrong gradient there too", async () => {
    const x = uniform([40, 30], 5);
    await expect(gradcheck((t) => tc.sigmoid(t).square().sum(), [x], { mode: "random", directions: 4 })).resolves.toMatchObject({
      ok: true,
      mode: "random",
      checked: 4,
    });
    await expect(gradcheck((t) => wrongSin(t).sum(), [x], { mode: "random", directions: 2 })).rejects.toThrow(/random direction/);
  });

  it("chooses random mode for large inputs", async () => {
    const report = await gradcheck((t) => t.square().sum(), [uniform([40, 30], 6)]);
    expect(report.mode).toBe("random");
  });

  it("casts float32 inputs to float64 where the backend has it", async () => {
    const report = await gradcheck((x) => x.exp().sum(), [tc.tensor([0.25, 0.5])]);
    expect(report.ok).toBe(true);
    expect(report.atol).toBe(1e-5);
  });

  it("checks a float32-only backend against an explicit float64 reference", async () => {
    const gpuLike = float32Only();
    const previous = tc.getBackend();
    await tc.setBackend(gpuLike);
    try {
      const x = tc.tensor([0.3, -0.7, 1.1], { backend: gpuLike });
      await expect(gradcheck((t) => t.tanh().mul(t).sum(), [x])).rejects.toThrow(/does not declare float64/);
      const report = await gradcheck((t) => t.tanh().mul(t).sum(), [x], { reference });
      expect(report).toMatchObject({ ok: true, atol: 1e-3, rtol: 1e-2 });
      expect(tc.getBackend()).toBe(gpuLike);
    } finally {
      await tc.setBackend(previous);
    }
  });

  it("rejects inputs it cannot differentiate", async () => {
    await expect(gradcheck((x) => x.sum(), [])).rejects.toThrow(GradientError);
    await expect(gradcheck((x) => x.sum(), [tc.tensor([1, 2], { dtype: "int32" })])).rejects.toThrow(/no float input/);
  });

  it("leaks no tensor", async () => {
    const x = f64([0.5, -1]);
    const before = tc.memory().tensors;
    await gradcheck((t) => tc.sin(t).mul(t).sum(), [x]);
    await gradcheck((t) => tc.sin(t), [x], { mode: "random" });
    expect(tc.memory().tensors).toBe(before);
  });
});
