// A dry run of `changeset version`: the workspace's manifests and .changeset/ copied into a throwaway folder,
// versioned there by the real changesets CLI, and the versions compared before and after. The repository
// itself is never written.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { readManifest, repoRoot, type Manifest } from "./workspace.js";

const run = promisify(execFile);
const changesetCli = join(repoRoot, "node_modules/@changesets/cli/bin.js");

export type Bump = "major" | "minor" | "patch";

export interface PlannedRelease {
  name: string;
  from: string;
  to: string;
}

/** A throwaway copy of the workspace's manifests and changesets, enough for changesets to plan and apply. */
export class WorkspaceCopy {
  readonly dir = mkdtempSync(join(tmpdir(), "neurite-release-plan-"));

  constructor(from?: WorkspaceCopy) {
    if (from !== undefined) {
      cpSync(from.dir, this.dir, { recursive: true, verbatimSymlinks: true });
      return;
    }
    for (const file of ["package.json", "pnpm-workspace.yaml"]) cpSync(join(repoRoot, file), join(this.dir, file));
    cpSync(join(repoRoot, ".changeset"), join(this.dir, ".changeset"), { recursive: true });
    for (const manifest of workspaceManifests()) {
      mkdirSync(join(this.dir, dirname(manifest)), { recursive: true });
      cpSync(join(repoRoot, manifest), join(this.dir, manifest));
    }
    // The changelog generator named in .changeset/config.json is resolved from the copy.
    symlinkSync(join(repoRoot, "node_modules"), join(this.dir, "node_modules"), "dir");
  }

  /** The pending changesets (every .changeset/*.md but its README), by file name. */
  changesets(): Map<string, Map<string, Bump>> {
    const found = new Map<string, Map<string, Bump>>();
    const folder = join(this.dir, ".changeset");
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".md") && f !== "README.md")) {
      found.set(file, parseChangeset(readFileSync(join(folder, file), "utf8"), file));
    }
    return found;
  }

  removeChangesets(): void {
    for (const file of this.changesets().keys()) rmSync(join(this.dir, ".changeset", file));
  }

  addChangeset(id: string, releases: Record<string, Bump>): void {
    const lines = Object.entries(releases).map(([name, bump]) => `"${name}": ${bump}`);
    writeFileSync(join(this.dir, ".changeset", `${id}.md`), `---\n${lines.join("\n")}\n---\n\n${id}\n`);
  }

  manifests(): Map<string, Manifest> {
    return new Map(workspaceManifests().map((file) => {
      const manifest = readManifest(join(this.dir, file));
      return [manifest.name, manifest];
    }));
  }

  /** Runs `changeset version` in the copy and returns what changed version. */
  async version(): Promise<PlannedRelease[]> {
    const before = this.manifests();
    await run(process.execPath, [changesetCli, "version"], { cwd: this.dir });
    const plan: PlannedRelease[] = [];
    for (const [name, manifest] of this.manifests()) {
      const from = before.get(name)!.version;
      if (manifest.version !== from) plan.push({ name, from, to: manifest.version });
    }
    return plan.sort((a, b) => a.name.localeCompare(b.name));
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The workspace's package.json files, relative to the root, from the folders pnpm-workspace.yaml names. */
function workspaceManifests(): string[] {
  const files: string[] = [];
  for (const group of ["packages", "apps"]) {
    if (!existsSync(join(repoRoot, group))) continue;
    for (const entry of readdirSync(join(repoRoot, group))) {
      if (existsSync(join(repoRoot, group, entry, "package.json"))) files.push(`${group}/${entry}/package.json`);
    }
  }
  for (const single of ["docs", "bench"]) if (existsSync(join(repoRoot, single, "package.json"))) files.push(`${single}/package.json`);
  return files;
}

/** The front matter of a changeset: `"@neurite/x": minor` lines between two `---` lines. */
export function parseChangeset(text: string, file: string): Map<string, Bump> {
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (match === null) throw new Error(`${file}: expected front matter between --- lines`);
  const releases = new Map<string, Bump>();
  for (const line of match[1]!.split(/\r?\n/).filter((l) => l.trim() !== "")) {
    const release = /^\s*["']?([^"':]+)["']?\s*:\s*(major|minor|patch)\s*$/.exec(line);
    if (release === null) throw new Error(`${file}: cannot read the release line ${JSON.stringify(line)}`);
    releases.set(release[1]!, release[2] as Bump);
  }
  return releases;
}

export function printPlan(title: string, plan: readonly PlannedRelease[]): void {
  const width = Math.max(0, ...plan.map((r) => r.name.length));
  console.log(`${title}\n${plan.map((r) => `  ${r.name.padEnd(width)}  ${r.from} → ${r.to}`).join("\n") || "  (nothing to release)"}`);
}
