import { defineConfig } from "tsup";
import { library } from "../../tsup.shared.js";

// Three entry points: the library, Node file reading (node:fs), and the MNIST adapter (optional `mnist`).
// Keep `node:fs`: it tells bundlers and readers at a glance that node.js is for Node only.
export default defineConfig(library(["src/index.ts", "src/node.ts", "src/mnist.ts"], { external: ["mnist"], removeNodeProtocol: false }));
