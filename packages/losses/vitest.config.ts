import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { sharedConfig } from "../../vitest.shared.js";

// webgpu.test.ts runs the gradient checks of the losses on @neurite/backend-webgpu through Dawn (the `webgpu` package),
// which reads these when the test process creates the GPU: without a GPU, the SwiftShader Vulkan driver that
// Debian's chromium package ships (Mesa's lavapipe, found otherwise, is refused). Set here, at the top, so
// every forked worker inherits them; worker threads would not pass them to native code, hence `forks`.
process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
if (process.env.XDG_RUNTIME_DIR === undefined) {
  const dir = join(tmpdir(), `neurite-xdg-${process.getuid?.() ?? 0}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  process.env.XDG_RUNTIME_DIR = dir;
}

export default defineConfig({
  ...sharedConfig,
  test: {
    ...sharedConfig.test,
    pool: "forks",
  },
});
