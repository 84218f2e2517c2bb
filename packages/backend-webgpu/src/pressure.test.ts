import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { BackendError, setBackend, tensor, zeros, type Tensor } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { gpuBackend } from "./testing/harness.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

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

  it("refuses, in a synchronous loop, a tensor that would take live storage past a budget you set", async () => {
    const budget = 1024 * 1024;
    const gpu = await gpuBackend({ memoryBudget: budget });
    try {
      await setBackend(gpu);
      const x = zeros([16 * 1024]); // 64 KiB; so is each result below
      const live = gpu.memory().bytes;
      // Results dropped without dispose: unreachable, but live until the collector's finalizers run, which
      // they cannot while this loop holds the thread.
      let made = 0;
      const dropEvery = (): void => {
        for (let i = 0; i < 64; i++) {
          x.add(1);
          made++;
        }
      };
      let refused: unknown;
      try {
        dropEvery();
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(BackendError);
      expect((refused as Error).message).toContain("past memoryBudget");
      expect((refused as Error).message).toContain("tidy()");
      expect(made).toBe(budget / 65536 - 1); // the first result that would not fit is the one refused
      expect(gpu.memory().bytes).toBeLessThanOrEqual(budget);
      expect(gpu.memory().pooledBuffers).toBe(0); // the pool gave its idle buffers back

      // Once the loop yields, the finalizers free what nobody holds, and the work fits again.
      for (let wait = 0; wait < 50 && gpu.memory().bytes > live; wait++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(gpu.memory().bytes).toBe(live);
      const y: Tensor = x.add(2);
      expect((await y.data())[0]).toBe(2);
      y.dispose();
      x.dispose();
    } finally {
      gpu.dispose();
    }
  });
});
