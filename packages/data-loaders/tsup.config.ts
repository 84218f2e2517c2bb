import { defineConfig } from "tsup";

export default defineConfig({
  // Three entry points: the library, Node file reading (node:fs), and the MNIST adapter (optional `mnist`).
  entry: ["src/index.ts", "src/node.ts", "src/mnist.ts"],
  format: ["esm"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  external: ["mnist"],
  // Keep `node:fs`: it tells bundlers and readers at a glance that node.js is for Node only.
  removeNodeProtocol: false,
});
