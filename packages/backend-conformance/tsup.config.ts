import { defineConfig } from "tsup";

export default defineConfig({
  // Two entry points: the runner-independent kit, and the vitest adapter (the only file that imports vitest).
  entry: ["src/index.ts", "src/vitest.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  external: ["vitest", "@neurite/tensor-core", "@neurite/autograd"],
});
