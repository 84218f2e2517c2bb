import { memory, setBackend, type Backend } from "@neurite/tensor-core";
import { appliesTo, ConformanceFailure, type ConformanceCase } from "./case.js";
import { allCases } from "./cases/index.js";

/**
 * Cases known to fail on a backend, each with the reason (name the bug). An entry must really fail: one that
 * passes is reported as a failure of its own, so the manifest cannot go stale.
 */
export type ExpectedFailures = Readonly<Record<string, string>>;

/** Options of `runConformance` and `describeConformance`. */
export interface ConformanceOptions {
  /** Case name → why it fails. */
  readonly expectedFailures?: ExpectedFailures;
  /** Runs only the cases it accepts (after the dtype filter). */
  readonly filter?: (c: ConformanceCase) => boolean;
  /** The cases to run instead of the whole kit (`allCases()`), e.g. a backend's own extra cases. */
  readonly cases?: readonly ConformanceCase[];
}

/** How a case ended: passed, failed, or failed as the manifest expected. */
export type CaseStatus = "passed" | "failed" | "expected-failure";

/** The outcome of one case. */
export interface CaseResult {
  readonly name: string;
  readonly group: string;
  readonly status: CaseStatus;
  /** Why it failed (failed), or the manifest's reason and the error it gave (expected-failure). */
  readonly message?: string;
  /** What was thrown, for failed and expected-failure results. */
  readonly error?: unknown;
  readonly ms: number;
}

/** What `runConformance` returns: every case's result, and a summary. */
export interface ConformanceReport {
  readonly backend: string;
  readonly passed: readonly CaseResult[];
  /** Real failures, leaks, expected failures that passed, and manifest entries naming no case. */
  readonly failed: readonly CaseResult[];
  readonly expectedFailures: readonly CaseResult[];
  /** Names of cases that need a dtype the backend does not declare. */
  readonly notApplicable: readonly string[];
  /** True when nothing failed. */
  readonly ok: boolean;
  readonly ms: number;
  /** A human-readable summary: counts, then every failure with its message. */
  summary(): string;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error instanceof ConformanceFailure ? error.message : `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Runs one case on `backend`: makes it the current backend, runs the case, and checks for leaks (the live
 * tensors and buffers of `memory(backend)` must be the same before and after). With `expectedFailure` (the
 * manifest's reason) the outcome is inverted: the case must fail, and passing is a failure telling you to
 * remove the entry.
 */
export async function runCase(c: ConformanceCase, backend: Backend, expectedFailure?: string): Promise<CaseResult> {
  const start = performance.now();
  await setBackend(backend);
  const before = memory(backend);
  let error: unknown;
  let failed = false;
  try {
    await c.run(backend);
  } catch (e) {
    failed = true;
    error = e;
  }
  const after = memory(backend);
  if (after.tensors !== before.tensors || after.buffers !== before.buffers) {
    const leak =
      `leak check: ${before.tensors} → ${after.tensors} live tensors and ${before.buffers} → ${after.buffers} buffers on backend '${backend.name}' ` +
      "(the counts of memory() must be equal before and after the case)";
    error = failed ? new ConformanceFailure(`${messageOf(error)}\n  and the ${leak}`) : new ConformanceFailure(`${c.name}: ${leak}`);
    failed = true;
  }
  const ms = performance.now() - start;
  const base = { name: c.name, group: c.group, ms };
  if (expectedFailure === undefined) {
    return failed ? { ...base, status: "failed", message: messageOf(error), error } : { ...base, status: "passed" };
  }
  if (failed) return { ...base, status: "expected-failure", message: `${expectedFailure}\n  fails with: ${messageOf(error)}`, error };
  const stale = new ConformanceFailure(
    `${c.name}: listed as an expected failure (${expectedFailure}) but it passed; remove it from the manifest`,
  );
  return { ...base, status: "failed", message: stale.message, error: stale };
}

/** Manifest entries that name no case of `cases`: a typo or a renamed case, reported as failures. */
export function unknownManifestEntries(cases: readonly ConformanceCase[], expectedFailures: ExpectedFailures): string[] {
  const names = new Set(cases.map((c) => c.name));
  return Object.keys(expectedFailures).filter((name) => !names.has(name));
}

/**
 * Runs every case of the kit that applies to `backend` (its declared dtypes cover the case's), one after the
 * other, and reports what passed, what failed and what failed as expected. Never throws for a failing case;
 * check `report.ok`, or print `report.summary()`.
 *
 * ```ts
 * // Your backend in place of cpu(); `filter` picks cases (here one group, to keep the example short).
 * const report = await runConformance(cpu(), {
 *   filter: (c) => c.group === "creation",
 *   expectedFailures: {}, // case name → why it fails, e.g. { "unary/exp/float32/special values": "see #12" }
 * });
 * if (!report.ok) throw new Error(report.summary());
 * ```
 */
export async function runConformance(backend: Backend, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const start = performance.now();
  const all = options.cases ?? allCases();
  const manifest = options.expectedFailures ?? {};
  const passed: CaseResult[] = [];
  const failed: CaseResult[] = [];
  const expectedFailures: CaseResult[] = [];
  const notApplicable: string[] = [];
  for (const name of unknownManifestEntries(all, manifest)) {
    failed.push({
      name,
      group: "manifest",
      status: "failed",
      message: `the expected-failure manifest lists "${name}", which is not a case of the kit; remove or rename the entry`,
      ms: 0,
    });
  }
  for (const c of all) {
    if (!appliesTo(c, backend)) {
      notApplicable.push(c.name);
      continue;
    }
    if (options.filter !== undefined && !options.filter(c)) continue;
    const result = await runCase(c, backend, manifest[c.name]);
    (result.status === "passed" ? passed : result.status === "failed" ? failed : expectedFailures).push(result);
  }
  const ms = performance.now() - start;
  return {
    backend: backend.name,
    passed,
    failed,
    expectedFailures,
    notApplicable,
    ok: failed.length === 0,
    ms,
    summary: () => summarize(backend.name, passed.length, failed, expectedFailures, notApplicable.length, ms),
  };
}

function summarize(backend: string, passed: number, failed: readonly CaseResult[], expected: readonly CaseResult[], skipped: number, ms: number): string {
  const lines = [
    `conformance of backend '${backend}': ${passed} passed, ${failed.length} failed, ${expected.length} expected failures, ` +
      `${skipped} not applicable (dtypes), in ${(ms / 1000).toFixed(1)} s`,
  ];
  for (const r of failed) lines.push(`FAIL ${r.name}\n  ${(r.message ?? "").split("\n").join("\n  ")}`);
  for (const r of expected) lines.push(`XFAIL ${r.name}: ${(r.message ?? "").split("\n")[0]!}`);
  return lines.join("\n");
}
