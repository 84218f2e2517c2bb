import { add, mul, neg, setBackend, tensor, tidy, zeros } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { layoutEntries } from "./pipelines.js";
import { gpuBackend } from "./testing/harness.js";
import type { WebGpuBackend } from "./backend.js";

/** Counts the device's createBindGroup calls from now on (the backend calls the device's own method). */
function countBindGroups(gpu: WebGpuBackend): { readonly count: number } {
  const device = gpu.device;
  const original = device.createBindGroup.bind(device);
  const counter = { count: 0 };
  device.createBindGroup = (descriptor) => {
    counter.count++;
    return original(descriptor);
  };
  return counter;
}

describe("bind groups are cached by buffers", () => {
  it("a repeated step creates its bind groups once, and the results stay right", async () => {
    const gpu = await gpuBackend();
    try {
      await setBackend(gpu);
      const x = tensor([1, 2, 3, 4]);
      const w = tensor([0.5, -1, 2, 0]);
      const step = () => tidy(() => add(mul(neg(x), w), x));
      const expected = [1, 2, 3, 4].map((v, i) => -v * [0.5, -1, 2, 0][i]! + v);
      for (let i = 0; i < 3; i++) step().dispose(); // warm-up: the pool fills with the step's intermediates
      const counter = countBindGroups(gpu);
      for (let i = 0; i < 20; i++) {
        const y = step();
        if (i === 19) expect(Array.from(await y.data())).toEqual(expected);
        y.dispose();
      }
      // The pool hands the same buffers to the same kernels on every step after the warm-up.
      expect(counter.count).toBe(0);
    } finally {
      gpu.dispose();
    }
  });

  it("drops the bind groups of a destroyed buffer, so a new buffer gets its own", async () => {
    const gpu = await gpuBackend();
    try {
      await setBackend(gpu);
      const a = tensor([1, 2, 3]);
      const first = zeros([1000]).add(1);
      expect((await first.data())[999]).toBe(1);
      first.dispose();
      gpu.trim(); // destroys the idle buffers, and with them the cached groups that name them
      const counter = countBindGroups(gpu);
      const second = zeros([1000]).add(2);
      expect((await second.data())[999]).toBe(2);
      expect(counter.count).toBeGreaterThan(0);
      expect(Array.from(await a.add(a).data())).toEqual([2, 4, 6]);
    } finally {
      gpu.dispose();
    }
  });
});

describe("layoutEntries", () => {
  it("reads the bindings and the uniform block size from a kernel's WGSL", () => {
    const code = [
      "@group(0) @binding(0) var<storage, read> in0: array<f32>;",
      "@group(0) @binding(1) var<storage, read_write> out: array<f32>;",
      "struct Params { w: array<vec4<u32>, 3> }",
      "@group(0) @binding(2) var<uniform> p: Params;",
    ].join("\n");
    const { entries, uniformBytes } = layoutEntries(code);
    expect(entries.map((e) => [e.binding, e.buffer?.type, e.buffer?.hasDynamicOffset ?? false])).toEqual([
      [0, "read-only-storage", false],
      [1, "storage", false],
      [2, "uniform", true],
    ]);
    expect(uniformBytes).toBe(48);
  });

  it("refuses a kernel without the uniform block last", () => {
    expect(() => layoutEntries("@group(0) @binding(0) var<storage, read_write> out: array<f32>;")).toThrow("uniform block");
  });
});
