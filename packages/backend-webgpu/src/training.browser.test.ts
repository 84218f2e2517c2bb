import { cpu } from "@neurite/backend-cpu";
import { describe, expect, it } from "vitest";
import { CLASSIFICATION, maxRelativeDifference, train } from "./testing/mlp.js";
import { webgpu } from "./webgpu.js";

// training.test.ts in headless Chromium, on the browser's own navigator.gpu: one of its two tasks.
describe("training an MLP in the browser", () => {
  it(`gives backend-cpu's loss curve: ${CLASSIFICATION.name}`, async () => {
    const gpu = await webgpu();
    try {
      const expected = await train(CLASSIFICATION, cpu());
      const actual = await train(CLASSIFICATION, gpu);
      expect(maxRelativeDifference(actual.losses, expected.losses)).toBeLessThan(1e-4);
      expect(actual.final).toBeLessThan(actual.losses[0]! * 0.6);
      expect(actual.leaked).toBe(0);
    } finally {
      gpu.dispose();
    }
  });
});
