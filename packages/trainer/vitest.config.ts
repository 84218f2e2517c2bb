import { defineConfig } from "vitest/config";
import { sharedConfig, useSwiftShaderForDawn } from "../../vitest.shared.js";

// kernel-budget.test.ts and webgpu.test.ts run on @neurite/backend-webgpu through Dawn in Node.
useSwiftShaderForDawn();

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    pool: "forks",
  },
});
