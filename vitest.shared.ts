// Shared vitest settings: run every package's tests on the TypeScript sources of its dependencies
// (the "source" export condition), in Node, with a JSON report that .ci/run sums up.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/**
 * For packages whose tests create a WebGPU device in Node through Dawn (the `webgpu` package): without a GPU,
 * Dawn must use the SwiftShader Vulkan driver that Debian's chromium package ships (Mesa's lavapipe, which it
 * finds otherwise, is refused), and XDG_RUNTIME_DIR must be a 0700 folder to quiet a warning. Call it at the
 * top of vitest.config.ts, and run those tests in the `forks` pool: forked workers inherit the environment,
 * worker threads would not pass it to native code.
 */
export function useSwiftShaderForDawn(): void {
  process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
  if (process.env.XDG_RUNTIME_DIR === undefined) {
    const dir = join(tmpdir(), `neurite-xdg-${process.getuid?.() ?? 0}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  }
}
