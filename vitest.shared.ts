// Shared vitest settings: run every package's tests on the TypeScript sources of its dependencies
// (the "source" export condition), in Node, with a JSON report that .ci/run sums up.
import type { ViteUserConfig } from "vitest/config";

export const sharedConfig: ViteUserConfig = {
  resolve: { conditions: ["source", "import", "module", "default"] },
  ssr: { resolve: { conditions: ["source", "import", "module", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // CI machines are small and shared; a test that converges in 1 s alone may take 10 s beside other tasks.
    testTimeout: 30_000,
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
};
