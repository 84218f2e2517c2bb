/**
 * The vitest adapter of the conformance kit: `@neurite/backend-conformance/vitest`. The only module of the kit
 * that imports vitest, so the kit itself runs under any test runner (or none).
 */
import type { Backend } from "@neurite/tensor-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { appliesTo, type ConformanceCase } from "./case.js";
import { allCases } from "./cases/index.js";
import { runCase, unknownManifestEntries, type ConformanceOptions } from "./run.js";

/**
 * Registers the conformance suite of a backend with vitest: one `it` per case, grouped by `describe(group)`
 * under `describe("conformance: <label>")`. `makeBackend` runs once, before the first case. Cases that need a
 * dtype the backend does not declare are reported as skipped. An expected failure (from
 * `options.expectedFailures`) is a test that passes only if the case fails, and says so in its title.
 *
 * ```ts
 * // my-backend/src/conformance.test.ts
 * import { describeConformance } from "@neurite/backend-conformance/vitest";
 * import { cpu } from "@neurite/backend-cpu"; // your backend's factory instead
 * describeConformance("cpu", () => cpu(), { filter: (c) => c.group === "creation" });
 * ```
 */
export function describeConformance(label: string, makeBackend: () => Backend | Promise<Backend>, options: ConformanceOptions = {}): void {
  const all: readonly ConformanceCase[] = options.cases ?? allCases();
  const cases = options.filter === undefined ? all : all.filter(options.filter);
  const manifest = options.expectedFailures ?? {};
  describe(`conformance: ${label}`, () => {
    let backend: Backend | undefined;
    beforeAll(async () => {
      backend = await makeBackend();
    });
    afterAll(() => {
      backend?.dispose?.();
    });

    const unknown = unknownManifestEntries(all, manifest);
    if (unknown.length > 0) {
      it("expected-failure manifest names only cases of the kit", () => {
        throw new Error(`the manifest lists cases the kit does not have; remove or rename: ${unknown.map((n) => JSON.stringify(n)).join(", ")}`);
      });
    }

    const groups = new Map<string, ConformanceCase[]>();
    for (const c of cases) {
      const list = groups.get(c.group) ?? [];
      list.push(c);
      groups.set(c.group, list);
    }
    for (const [group, list] of groups) {
      describe(group, () => {
        for (const c of list) {
          const reason = manifest[c.name];
          const title = reason === undefined ? c.name : `${c.name} [expected failure: ${reason}]`;
          it(title, async (ctx) => {
            if (backend === undefined) throw new Error("the backend was not created (makeBackend failed?)");
            if (!appliesTo(c, backend)) {
              ctx.skip(`backend '${backend.name}' does not declare ${c.dtypes.filter((d) => !backend!.capabilities.dtypes.includes(d)).join(", ")}`);
              return;
            }
            const result = await runCase(c, backend, reason);
            if (result.status === "failed") throw result.error instanceof Error ? result.error : new Error(result.message);
          });
        }
      });
    }
  });
}

export type { ConformanceOptions, ExpectedFailures } from "./run.js";
