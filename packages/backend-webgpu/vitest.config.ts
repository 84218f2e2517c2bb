import { existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { playwright } from "@vitest/browser-playwright";
import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// Node: Dawn (the `webgpu` package) reads these when the test process creates the GPU. Without a GPU, the
// SwiftShader Vulkan driver that Debian's chromium package ships runs the kernels on the CPU; Mesa's
// lavapipe, which Dawn would find otherwise, is refused. Set here, at the top, so every forked worker
// inherits them (worker threads would not pass them to native code, hence the forks pool).
process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
if (process.env.XDG_RUNTIME_DIR === undefined) {
  const dir = join(tmpdir(), `neurite-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

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
