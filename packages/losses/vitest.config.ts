import { defineConfig } from "vitest/config";
import { sharedConfig, useSwiftShaderForDawn } from "../../vitest.shared.js";

// webgpu.test.ts runs the gradient checks of the losses on @neurite/backend-webgpu through Dawn in Node.
useSwiftShaderForDawn();

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    pool: "forks",
  },
});
