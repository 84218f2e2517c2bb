// Shared vitest settings: run every package's tests on the TypeScript sources of its dependencies
// (the "source" export condition), in Node, with a JSON report that .ci/run sums up.
import type { ViteUserConfig } from "vitest/config";

export const sharedConfig: ViteUserConfig = {
  resolve: { conditions: ["source", "import", "module", "default"] },
  ssr: { resolve: { conditions: ["source", "import", "module", "default"] } },
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
};
