import { defineConfig } from "vitest/config";
import { sharedConfig, useSwiftShaderForDawn } from "../../vitest.shared.js";

// webgpu.test.ts runs fit on @neurite/backend-webgpu through Dawn in Node.
useSwiftShaderForDawn();

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    pool: "forks",
  },
});
