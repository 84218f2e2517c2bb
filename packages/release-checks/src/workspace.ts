// Where the library packages are, read from the workspace itself: every package in packages/ that is not
// private is one that `changeset publish` would publish.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  files?: string[];
  exports?: Record<string, unknown>;
  publishConfig?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

export interface LibraryPackage {
  name: string;
  dir: string;
  manifest: Manifest;
}

export function readManifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, "utf8")) as Manifest;
}

/** The publishable packages of the workspace, sorted by name. */
export function libraryPackages(): LibraryPackage[] {
  const found: LibraryPackage[] = [];
  for (const entry of readdirSync(join(repoRoot, "packages"))) {
    const dir = join(repoRoot, "packages", entry);
    const file = join(dir, "package.json");
    if (!existsSync(file)) continue;
    const manifest = readManifest(file);
    if (manifest.private !== true) found.push({ name: manifest.name, dir, manifest });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}
