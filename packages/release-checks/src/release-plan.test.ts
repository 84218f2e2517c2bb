// The release plan of changesets, from a dry run on a throwaway copy: the pending changesets bump the packages
// they name and nothing else, and later releases version each package on its own — a patch or a minor of
// tensor-core bumps only tensor-core; only a version outside the dependents' ranges (a major) bumps them.
import semver from "semver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { printPlan, WorkspaceCopy, type Bump, type PlannedRelease } from "./release-plan.js";
import type { Manifest } from "./workspace.js";

const ORDER: readonly Bump[] = ["patch", "minor", "major"];

/** The range a dependent declares on `dependency`, as changesets reads it (workspace: ranges resolved). */
function declaredRanges(dependent: Manifest, dependency: string, dependencyVersion: string): string[] {
  const ranges: string[] = [];
  for (const deps of [dependent.dependencies, dependent.peerDependencies]) {
    const range = deps?.[dependency];
    if (range === undefined) continue;
    const bare = range.replace(/^workspace:/, "");
    ranges.push(bare === "*" ? dependencyVersion : bare === "^" || bare === "~" ? `${bare}${dependencyVersion}` : bare);
  }
  return ranges;
}

/** Packages of the plan that must be released because a new version leaves a range they declare. */
function outOfRange(plan: readonly PlannedRelease[], manifests: Map<string, Manifest>): Set<string> {
  const forced = new Set<string>();
  for (const [name, manifest] of manifests) {
    for (const release of plan) {
      if (declaredRanges(manifest, release.name, release.from).some((range) => !semver.satisfies(release.to, range))) forced.add(name);
    }
  }
  return forced;
}

describe("the changesets release plan (dry run of `changeset version` on a throwaway copy)", () => {
  let pending: WorkspaceCopy;
  let released: WorkspaceCopy;
  let pendingPlan: PlannedRelease[];
  const copies: WorkspaceCopy[] = [];

  beforeAll(async () => {
    pending = new WorkspaceCopy();
    released = new WorkspaceCopy(pending);
    copies.push(pending, released);
    pendingPlan = await released.version();
    printPlan("`changeset version` would release the pending changesets as:", pendingPlan);
  });

  afterAll(() => {
    for (const copy of copies) copy.dispose();
  });

  it("bumps each package its pending changesets name, by the highest bump named, and others only out of range", () => {
    const named = new Map<string, Bump>();
    for (const releases of pending.changesets().values()) {
      for (const [name, bump] of releases) {
        const previous = named.get(name);
        if (previous === undefined || ORDER.indexOf(bump) > ORDER.indexOf(previous)) named.set(name, bump);
      }
    }
    const before = pending.manifests();
    const forced = outOfRange(pendingPlan, before);
    for (const release of pendingPlan) {
      const bump = named.get(release.name);
      if (bump === undefined) {
        expect(forced, `${release.name} is released though no changeset names it`).toContain(release.name);
        continue;
      }
      const expected = forced.has(release.name) ? semver.inc(release.from, "major") : semver.inc(release.from, bump);
      expect(release.to, `${release.name} (${bump})`).toBe(expected);
    }
    expect(pendingPlan.map((r) => r.name)).toEqual(expect.arrayContaining([...named.keys()]));
    // A cascade of majors would take 0.x packages to 1.0.0 although no changeset asked for it.
    const leaving = pendingPlan.filter((r) => semver.major(r.from) === 0 && semver.major(r.to) > 0 && named.get(r.name) !== "major");
    expect(leaving, "packages taken out of 0.x by their dependencies").toEqual([]);
    for (const name of named.keys()) expect(before.get(name)?.private, `${name} is a private package`).not.toBe(true);
  });

  // After the pending release: one more changeset, planned on a copy of the released state.
  async function planAfterRelease(releases: Record<string, Bump>): Promise<PlannedRelease[]> {
    const copy = new WorkspaceCopy(released);
    copies.push(copy);
    copy.removeChangesets();
    copy.addChangeset("next", releases);
    return copy.version();
  }

  it.each(["patch", "minor"] as const)("releases a %s of tensor-core as tensor-core alone: every dependent's range still holds it", async (bump) => {
    const from = released.manifests().get("@neurite/tensor-core")!.version;
    const plan = await planAfterRelease({ "@neurite/tensor-core": bump });
    expect(plan).toEqual([{ name: "@neurite/tensor-core", from, to: semver.inc(from, bump) }]);
  });

  it("releases a major of tensor-core with each published dependent, whose 0.x range it leaves", async () => {
    const manifests = released.manifests();
    const plan = await planAfterRelease({ "@neurite/tensor-core": "major" });
    const dependents = [...manifests.values()]
      .filter((m) => m.private !== true && (m.peerDependencies?.["@neurite/tensor-core"] ?? m.dependencies?.["@neurite/tensor-core"]) !== undefined)
      .map((m) => m.name);
    expect(dependents.length).toBeGreaterThan(5);
    expect(plan.map((r) => r.name).sort()).toEqual(["@neurite/tensor-core", ...dependents].sort());
    expect(plan.find((r) => r.name === "@neurite/tensor-core")?.to).toBe("1.0.0");
  });
});
