import { cpu } from "@neurite/backend-cpu";
import { describe, expect, it } from "vitest";
import { CLASSIFICATION, maxRelativeDifference, REGRESSION, train } from "./testing/mlp.js";
import { sharedGpu } from "./testing/harness.js";

/**
 * Training end to end: a small MLP trained for a fixed number of steps from the same seeded weights on the
 * same data, on backend-cpu and on webgpu (forward, autograd's backward, the optimizer's update), has the
 * same loss curve within float32 tolerance, and learns. The curves start bit-identical (seeded Philox
 * weights); float32 rounding differences then grow slowly through the updates.
 */
// Measured: at most 1e-6 relative on SwiftShader; a GPU with fused multiply-adds may differ more.
const CURVE_RTOL = 1e-4;

const backend = sharedGpu();

describe("training an MLP on webgpu and backend-cpu", () => {
  for (const task of [REGRESSION, CLASSIFICATION]) {
    it(`gives the same loss curve: ${task.name}`, async () => {
      const gpu = await backend();
      const expected = await train(task, cpu());
      const actual = await train(task, gpu);
      expect(actual.losses).toHaveLength(task.steps);
      expect(actual.losses[0]).toBeCloseTo(expected.losses[0]!, 5);
      expect(maxRelativeDifference(actual.losses, expected.losses)).toBeLessThan(CURVE_RTOL);
      expect(Math.abs(actual.final - expected.final) / expected.final).toBeLessThan(CURVE_RTOL);
      // It learns: the loss falls well below where it started.
      expect(actual.final).toBeLessThan(actual.losses[0]! * 0.6);
      expect(actual.leaked).toBe(0);
      expect(gpu.memory().buffers).toBe(0);
    });
  }
});
