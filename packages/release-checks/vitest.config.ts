import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// The library packages are packed once per run (global setup) and every test file reads the tarballs. The
// install test runs npm, tsc, Node and esbuild in child processes: minutes on a busy 2-core machine.
export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    globalSetup: ["src/pack.setup.ts"],
    testTimeout: 240_000,
    hookTimeout: 240_000,
  },
});
