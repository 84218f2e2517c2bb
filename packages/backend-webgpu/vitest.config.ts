import { existsSync } from "node:fs";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { sharedConfig, useSwiftShaderForDawn } from "../../vitest.shared.js";

// Node: Dawn on SwiftShader when there is no GPU (see useSwiftShaderForDawn).
useSwiftShaderForDawn();

// Browser: Debian's chromium (never a Playwright download) with WebGPU on its SwiftShader adapter, making
// no outside lookups. A missing chromium fails the run (CI must not skip the browser half).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(`the browser tests need Chromium at ${chromium}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
}

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "node",
          exclude: ["**/node_modules/**", "src/**/*.browser.test.ts"],
          pool: "forks",
          sequence: { groupOrder: 0 },
          // SwiftShader already spreads each dispatch over every core; more test processes only contend.
          maxWorkers: 2,
        },
      },
      {
        // Not `extends: true`: that would merge the shared `include` (every test file) into this project's.
        resolve: sharedConfig.resolve,
        test: {
          name: "chromium",
          include: ["src/**/*.browser.test.ts"],
          // After the Node project, not beside it: both keep every core busy.
          sequence: { groupOrder: 1 },
          browser: {
            enabled: true,
            headless: true,
            // A WebGPU compute test draws nothing: screenshots of failures would only litter src/.
            screenshotFailures: false,
            api: { host: "127.0.0.1" },
            provider: playwright({
              launchOptions: {
                executablePath: chromium,
                args: ["--enable-unsafe-webgpu", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"],
              },
            }),
            instances: [{ browser: "chromium" }],
          },
        },
      },
    ],
  },
});
