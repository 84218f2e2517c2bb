import type { Backend, DType } from "@neurite/tensor-core";

/**
 * One conformance case: a plain object that runs against a backend and throws when the backend does not
 * conform. It depends on no test runner, so any harness (the plain `runConformance`, the vitest adapter, a
 * browser page) can run it.
 *
 * The runner makes `backend` the current backend (`setBackend`) before calling `run`, and wraps the call in the
 * leak check, so a case creates tensors with the ordinary tensor-core functions and disposes what it made.
 */
export interface ConformanceCase {
  /** Unique and stable (the expected-failure manifest is keyed by it), e.g. `"binary/add/float32/broadcast [2, 1, 3]+[4, 1]"`. */
  readonly name: string;
  /**
   * The family it belongs to: `"elementwise"`, `"reduce"`, `"matmul"`, `"movement"`, `"creation"`,
   * `"activations"`, `"conv-pool"`, `"random"`, `"errors"`, `"memory"`, `"gradient"`. Harnesses group by it.
   */
  readonly group: string;
  /** Dtypes the backend must declare (`capabilities.dtypes`) for the case to apply; others are not run. */
  readonly dtypes: readonly DType[];
  /** Resolves when the backend conforms; rejects (usually with a `ConformanceFailure`) when it does not. */
  run(backend: Backend): Promise<void>;
}

/** Whether `c` applies to `backend`: every dtype it needs is declared. */
export function appliesTo(c: ConformanceCase, backend: Backend): boolean {
  return c.dtypes.every((d) => backend.capabilities.dtypes.includes(d));
}

/** What a failed value comparison shows. */
export interface FailureDetails {
  /** Labelled inputs, already formatted (see `describeValues`). */
  readonly inputs?: readonly (readonly [string, string])[];
  readonly expected?: string;
  readonly actual?: string;
  /** The worst element: its multi-index in the result, and its flat position. */
  readonly index?: { readonly nd: readonly number[]; readonly flat: number };
  /** The bound the worst element broke, in words (`"atol 1e-5 + rtol 1e-4 · 3.2 = 3.3e-4"`). */
  readonly tolerance?: string;
}

/**
 * The error a case throws when the backend does not conform. The message leads with what went wrong and then
 * shows the inputs, the expected and actual values, the worst element and the tolerance it broke, so a
 * failure can be understood from the message alone.
 */
export class ConformanceFailure extends Error {
  readonly details: FailureDetails;

  constructor(summary: string, details: FailureDetails = {}) {
    super(formatFailure(summary, details));
    this.name = "ConformanceFailure";
    this.details = details;
  }
}

function formatFailure(summary: string, d: FailureDetails): string {
  const lines = [summary];
  if (d.index !== undefined) lines.push(`  worst element: index [${d.index.nd.join(", ")}] (flat ${d.index.flat})`);
  if (d.tolerance !== undefined) lines.push(`  tolerance: ${d.tolerance}`);
  if (d.inputs !== undefined && d.inputs.length > 0) {
    lines.push("  inputs:");
    for (const [label, text] of d.inputs) lines.push(`    ${label}: ${text}`);
  }
  if (d.expected !== undefined) lines.push(`  expected: ${d.expected}`);
  if (d.actual !== undefined) lines.push(`  actual:   ${d.actual}`);
  return lines.join("\n");
}
