// Global setup: packs every library package once, the way `changeset publish` would (pnpm applies
// publishConfig and turns workspace: ranges into versions), into a temporary folder the test files share.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import type { TestProject } from "vitest/node";
import { libraryPackages } from "./workspace.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The folder holding one .tgz per library package. */
    packDir: string;
    /** Why there are no tarballs (packages not built), or "". */
    packError: string;
  }
}

const run = promisify(execFile);
/** pnpm itself, from the root devDependencies (its "." export is its package.json), so packing needs nothing on PATH. */
export const pnpmCli = join(dirname(createRequire(import.meta.url).resolve("pnpm")), "bin", "pnpm.cjs");

export default async function setup(project: TestProject): Promise<() => void> {
  const packages = libraryPackages();
  const unbuilt = packages.filter((p) => !existsSync(join(p.dir, "dist")));
  if (unbuilt.length > 0) {
    // The release plan needs no tarballs: let it run, and the tests that do need them say why they cannot.
    project.provide("packError", `${unbuilt.map((p) => p.name).join(", ")} have no dist/: build them first (\`pnpm turbo run test --filter=@neurite/release-checks\` builds what this package depends on)`);
    project.provide("packDir", "");
    return () => undefined;
  }
  const packDir = mkdtempSync(join(tmpdir(), "neurite-pack-"));
  await Promise.all(packages.map((p) => run(process.execPath, [pnpmCli, "pack", "--pack-destination", packDir], { cwd: p.dir })));
  const tarballs = readdirSync(packDir).filter((f) => f.endsWith(".tgz"));
  if (tarballs.length !== packages.length) throw new Error(`packed ${packages.length} packages but found ${tarballs.length} tarballs in ${packDir}`);
  project.provide("packDir", packDir);
  project.provide("packError", "");
  return () => {
    rmSync(packDir, { recursive: true, force: true });
  };
}

/** The tarball of a package in `packDir`: pnpm names it after the package (scope and slash flattened). */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}
