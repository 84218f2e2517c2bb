import { setBackend, tensor, zeros } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { gpuBackend } from "./testing/harness.js";

/** Memory pressure: the pool gives idle buffers back instead of growing past the backend's budget. */
describe("the buffer pool under memory pressure", () => {
  it("stays within memoryBudget: new size classes push idle buffers out", async () => {
    const budget = 256 * 1024;
    const gpu = await gpuBackend({ memoryBudget: budget });
    try {
      await setBackend(gpu);
      // Each round frees 4 buffers of one size class and asks for another class: without the budget the
      // pool would keep every class it has seen (6 × 4 × 16-48 KiB, far past 256 KiB).
      for (const kib of [16, 20, 24, 32, 40, 48]) {
        const ts = Array.from({ length: 4 }, () => zeros([(kib * 1024) / 4]));
        const m = gpu.memory();
        expect(m.bytes + m.pooledBytes).toBeLessThanOrEqual(budget);
        for (const t of ts) t.dispose();
      }
      expect(gpu.memory().pooledBuffers).toBeGreaterThan(0);
      const values = tensor([1, 2, 3]);
      expect(Array.from(await values.data())).toEqual([1, 2, 3]); // retired buffers never corrupt live ones
      values.dispose();
      const before = gpu.memory().pooledBytes;
      expect(gpu.trim()).toBe(before);
      expect(gpu.memory().pooledBuffers).toBe(0);
    } finally {
      gpu.dispose();
    }
  });

  it("refuses a budget that is not a positive number of bytes", async () => {
    await expect(gpuBackend({ memoryBudget: 0 })).rejects.toThrow("webgpu (argument 'memoryBudget'): expected a positive number of bytes, got 0");
  });
});
