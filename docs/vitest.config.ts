import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { sharedConfig, useSwiftShaderForDawn } from "../vitest.shared.js";

// The WebGPU checkpoint of the browser test needs nothing here, but the Node samples that use Dawn do.
useSwiftShaderForDawn();

export default defineConfig({
  ...sharedConfig,
  resolve: {
    ...sharedConfig.resolve,
    alias: { "@docs/output": fileURLToPath(new URL("./runtime/output.ts", import.meta.url)) },
  },
  test: {
    ...sharedConfig.test,
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // The browser test builds the site and drives Chromium over every page.
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
