// The build every library package shares: ESM with declarations and source maps, for ES2022.
import type { Options } from "tsup";

export function library(entry: readonly string[] = ["src/index.ts"], extra: Options = {}): Options {
  return { entry: [...entry], format: ["esm"], dts: true, sourcemap: true, clean: true, target: "es2022", ...extra };
}
