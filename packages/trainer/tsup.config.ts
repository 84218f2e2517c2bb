import { defineConfig } from "tsup";
import { library } from "../../tsup.shared.js";

// Two entry points: the library, and Node-only checkpoint files (node:fs).
export default defineConfig(library(["src/index.ts", "src/node.ts"], { removeNodeProtocol: false }));
