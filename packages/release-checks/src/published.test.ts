// What each packed library package holds and declares, checked on the tarball a user would download:
// publint and arethetypeswrong find nothing, and nothing the package points at (exports, source maps, its
// README) is missing from it.
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import type { Problem, ResolutionKind } from "@arethetypeswrong/core/types";
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { describe, expect, it } from "vitest";
import { tarballName } from "./pack.setup.js";
import { manifestOf, packedDir, readTarball, textOf } from "./tarball.js";
import { libraryPackages, repoRoot } from "./workspace.js";

// The packages are ESM only: CommonJS resolution (node10, node16 from a require) is out of scope.
const CHECKED_RESOLUTIONS: readonly ResolutionKind[] = ["node16-esm", "bundler"];

/** Every string value under an `exports` map, with the conditions that lead to it. */
function exportTargets(exports: unknown, path: string[] = []): { conditions: string[]; target: string }[] {
  if (typeof exports === "string") return [{ conditions: path, target: exports }];
  if (exports === null || typeof exports !== "object") return [];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, [...path, key]));
}

describe.each(libraryPackages())("$name as published", ({ name, manifest }) => {
  const tarball = join(packedDir(), tarballName(name, manifest.version));
  const bytes = new Uint8Array(readFileSync(tarball));
  const files = readTarball(tarball);
  const packed = manifestOf(files);

  it("passes publint, suggestions included", async () => {
    const { messages, pkg } = await publint({ pack: { tarball: bytes.slice().buffer }, level: "suggestion", strict: true });
    expect(messages.map((m) => formatMessage(m, pkg) ?? m.code)).toEqual([]);
  });

  it("has types that resolve under node16 (ESM) and bundler resolution, per arethetypeswrong", async () => {
    const analysis = await checkPackage(createPackageFromTarballData(bytes));
    if (analysis.types === false) throw new Error(`${name} ships no types`);
    const problems = analysis.problems.filter((p) => !("resolutionKind" in p) || CHECKED_RESOLUTIONS.includes(p.resolutionKind));
    expect(problems.map((p: Problem) => JSON.stringify(p))).toEqual([]);
    for (const [entry, info] of Object.entries(analysis.entrypoints).filter(([e]) => !e.endsWith(".json"))) {
      for (const kind of CHECKED_RESOLUTIONS) {
        const resolved = info.resolutions[kind].resolution?.fileName ?? "nothing";
        expect(resolved, `${name} ${entry} under ${kind}`).toMatch(/\.d\.ts$/);
      }
    }
  });

  it("exports only files it ships, with no workspace-only condition or range", () => {
    const targets = exportTargets(packed.exports);
    expect(targets.length).toBeGreaterThan(0);
    for (const { conditions, target } of targets) {
      expect(conditions, `${target}: the "source" condition is for the workspace only`).not.toContain("source");
      expect(files.has(posix.normalize(target)), `${conditions.join(" → ")} → ${target}`).toBe(true);
    }
    for (const deps of [packed.dependencies, packed.peerDependencies]) {
      for (const [dep, range] of Object.entries(deps ?? {})) expect(range, dep).not.toMatch(/^workspace:/);
    }
  });

  it("ships every source file its source maps name, and no tests", () => {
    const maps = [...files.keys()].filter((f) => f.endsWith(".js.map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) {
      const { sources } = JSON.parse(textOf(files, map)) as { sources: string[] };
      for (const source of sources) {
        const path = posix.normalize(posix.join(posix.dirname(map), source));
        expect(files.has(path), `${map} names ${source}`).toBe(true);
      }
    }
    // (The backend template is the one place a test ships: the one a plugin author starts from.)
    const tests = [...files.keys()].filter((f) => !f.startsWith("template/") && /\.test\.ts$|(^|\/)testing(\/|\.ts$)/.test(f));
    expect(tests).toEqual([]);
  });

  it("ships the repository's MIT LICENSE, as its manifest's license field says", () => {
    expect(packed.license).toBe("MIT");
    expect(textOf(files, "LICENSE")).toBe(readFileSync(join(repoRoot, "LICENSE"), "utf8"));
  });

  it("has a README that opens with its install line, an example and its peers", () => {
    const readme = textOf(files, "README.md").replace(/ \\\n\s*/g, " "); // join shell continuation lines
    // The opening: the introduction and the first section (some READMEs title their first example).
    const headings = [...readme.matchAll(/\n## /g)].map((m) => m.index);
    const opening = readme.slice(0, headings[1]);
    const install = /^npm i (?:-D )?(.+)$/m.exec(opening)?.[1]?.split(/\s+/) ?? [];
    const peers = Object.keys(packed.peerDependencies ?? {});
    const required = peers.filter((peer) => packed.peerDependenciesMeta?.[peer]?.optional !== true);
    expect(install, "the first npm i line").toEqual(expect.arrayContaining([name, ...required]));
    expect(opening).toMatch(/```ts\n[\s\S]*?\n```/);
    const peerLine = /\*\*Peer dependencies:\*\*([\s\S]*?)(?:\n\n|$)/.exec(opening)?.[1] ?? "";
    for (const peer of peers) expect(peerLine, `the peer line names ${peer}`).toContain(`\`${peer}\``);
  });

  it("has a README whose src/ pointers all name shipped files", () => {
    const readme = textOf(files, "README.md");
    const pointers = [...readme.matchAll(/`(src\/[^`\s]*)`/g)].map((m) => m[1]!);
    // A pointer may name a folder (`src/reference/`) or a glob (`src/kernels/*.ts`): some shipped file must match.
    const unshipped = pointers.filter((pointer) => {
      const pattern = pointer.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
      const matcher = new RegExp(`^${pattern}${pointer.endsWith("/") ? "" : "$"}`);
      return ![...files.keys()].some((f) => matcher.test(f));
    });
    expect(unshipped, "README.md points at files the package does not ship").toEqual([]);
  });
});
