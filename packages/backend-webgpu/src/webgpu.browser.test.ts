import { describeConformance } from "@neurite/backend-conformance/vitest";
import { philoxUniform, seedToKey } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { webgpu } from "./webgpu.js";

/**
 * The backend in headless Chromium, on the browser's own `navigator.gpu` (SwiftShader without a GPU): the
 * conformance kit, plus what only a browser shows (finding `navigator.gpu` with no options).
 */
describe("webgpu in the browser", () => {
  it("finds navigator.gpu with no options and draws the Philox stream bit for bit", async () => {
    const backend = await webgpu();
    const key = seedToKey(2024);
    const data = backend.randomUniform(key, 3, { shape: [999], dtype: "float32" });
    expect(Array.from(await backend.read(data))).toEqual(Array.from(philoxUniform(key, 3, 999)));
    backend.disposeData(data);
    expect(backend.memory().buffers).toBe(0);
    backend.dispose();
  });

  it("survives a lost device: a clear error, then a new backend", async () => {
    const doomed = await webgpu();
    const x = doomed.upload(Float32Array.from([1, 2]), "float32");
    doomed.device.destroy();
    await expect(doomed.read(x)).rejects.toThrow(/device was lost/);
    doomed.dispose();
    const fresh = await webgpu();
    const y = fresh.fill(2, { shape: [2], dtype: "float32" });
    expect(Array.from(await fresh.read(y))).toEqual([2, 2]);
    fresh.dispose();
  });
});

describeConformance("webgpu (Chromium)", () => webgpu());
