import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** The installed version of a package, read from its package.json (found above its resolved entry). */
export function versionOf(name: string): string {
  let dir = dirname(require.resolve(name));
  for (let i = 0; i < 8; i++, dir = dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === name) return manifest.version ?? "?";
    } catch {
      // No package.json at this level: keep walking up.
    }
  }
  return "?";
}
