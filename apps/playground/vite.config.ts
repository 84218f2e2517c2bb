import { defineConfig } from "vite";
import { mnistAsset } from "./build/mnist-asset.js";

// The workspace packages are used from their TypeScript sources (their "source" export condition), so the
// playground builds and reloads without building the packages first.
const conditions = ["source", "module", "browser", "development|production"];

export default defineConfig({
  base: "./",
  resolve: { conditions },
  worker: { format: "es" },
  plugins: [mnistAsset()],
  server: { host: "127.0.0.1" },
  preview: { host: "127.0.0.1" },
  build: { target: "es2022", chunkSizeWarningLimit: 1024 },
});
