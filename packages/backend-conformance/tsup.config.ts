import { defineConfig } from "tsup";
import { library } from "../../tsup.shared.js";

// Two entry points: the runner-independent kit, and the vitest adapter (the only file that imports vitest).
export default defineConfig(library(["src/index.ts", "src/vitest.ts"], { external: ["vitest", "@neurite/tensor-core", "@neurite/autograd"] }));
