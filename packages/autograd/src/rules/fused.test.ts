import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { grad } from "../index.js";

/** cpu() with every kernel call logged by name (`unary.exp`, `elementwise`, `fused.softmax`…). */
function logged(): { backend: tc.Backend; calls: string[] } {
  const inner = cpu();
  const calls: string[] = [];
  const backend = new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (key === "fused") {
        const fused = value as Record<string, (...args: unknown[]) => unknown>;
        return Object.fromEntries(Object.entries(fused).map(([name, f]) => [name, (...args: unknown[]) => (calls.push(`fused.${name}`), f(...args))]));
      }
      if (typeof value !== "function" || ["upload", "read", "readSync", "disposeData", "memory"].includes(String(key))) {
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: unknown[]) => {
        calls.push(typeof args[0] === "string" ? `${String(key)}.${args[0]}` : String(key));
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { backend, calls };
}

describe("composites stay fused while the tape records", () => {
  it("relu: one kernel forward, one for its gradient", async () => {
    const { backend, calls } = logged();
    await tc.setBackend(backend);
    const x = tc.tensor([-1, 0, 2]);
    const g = tc.tensor([5, 6, 7]);
    calls.length = 0;
    const [dx] = tc.tidy(() => [tc.keep(grad((t: tc.Tensor) => tc.relu(t).mul(g).sum())(x))]);
    // relu, mul, sum; then sum's broadcast of the seed (uploaded, not filled), mul's gradient and relu's gradient program.
    expect(calls).toEqual(["elementwise", "binary.mul", "reduce.sum", "broadcastTo", "binary.mul", "elementwise"]);
    expect(Array.from(await dx!.data())).toEqual([0, 0, 7]);
  });

  it("linear runs its fused kernel in the forward pass and composes its gradient", async () => {
    const { backend, calls } = logged();
    await tc.setBackend(backend);
    const x = tc.tensor([[1, -2], [3, 4]]);
    const w = tc.tensor([[0.5, -1], [2, 0.25]]);
    const b = tc.tensor([0.1, -0.2]);
    calls.length = 0;
    const [dw, db] = grad((w: tc.Tensor, b: tc.Tensor) => tc.linear(x, w, b, "relu").sum(), [0, 1])(w, b);
    expect(calls.filter((c) => c.startsWith("fused") || c === "matmul")).toEqual(["fused.matmulBiasActivation", "matmul"]);
    // z = x·w + b = [[-3.4, -1.7], [9.6, -2.2]]: only z[1][0] > 0, so ∂w = xᵀ·[[0, 0], [1, 0]] and ∂b = [1, 0].
    expect(dw.arraySync()).toEqual([[3, 0], [4, 0]]);
    expect(Array.from(await db.data())).toEqual([1, 0]);
  });
});
