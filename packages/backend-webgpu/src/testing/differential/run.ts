import * as nt from "@neurite/tensor-core";
import type { Backend, Tensor } from "@neurite/tensor-core";
import { evaluate, literal, type Program } from "./program.js";

/** Running a program on a backend, and comparing two runs value by value. */

export interface Run {
  readonly values: Tensor[];
  /** Set when a node threw: its index and the error. */
  readonly error?: { readonly at: number; readonly message: string };
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs `program` on `backend` (made the current backend); the caller disposes `values`. `stepwise` reads each
 * value as soon as it is made, so that a GPU error (reported at the next read) is pinned to its node.
 */
export async function runProgram(program: Program, backend: Backend, stepwise = false): Promise<Run> {
  await nt.setBackend(backend);
  const values: Tensor[] = [];
  for (const [i, node] of program.nodes.entries()) {
    let t: Tensor;
    try {
      t =
        node.kind === "leaf"
          ? nt.tensor([...node.values], { shape: node.shape, dtype: node.dtype })
          : nt.tidy(() => {
              const result = evaluate(node.expr, values);
              if (!(result instanceof nt.Tensor)) throw new Error(`test bug: ${node.expr.$call} returned no tensor`);
              return result;
            });
    } catch (error) {
      return { values, error: { at: i, message: messageOf(error) } };
    }
    if (stepwise) {
      try {
        await t.data();
      } catch (error) {
        t.dispose();
        return { values, error: { at: i, message: messageOf(error) } };
      }
    }
    values.push(t);
  }
  return { values };
}

/**
 * Runs `program` on `backend` and compares with `expected`. A GPU command that failed surfaces at the next
 * read, whichever value it belongs to: the program then runs again reading every value at once, to name
 * the node that failed.
 */
export async function differ(program: Program, expected: Run, backend: Backend): Promise<Mismatch | undefined> {
  const actual = await runProgram(program, backend);
  let readError: unknown;
  try {
    return await compareRuns(program, expected, actual);
  } catch (error) {
    readError = error;
  } finally {
    disposeRun(actual);
  }
  const stepwise = await runProgram(program, backend, true);
  try {
    const mismatch = await compareRuns(program, expected, stepwise);
    return mismatch ?? { at: program.nodes.length - 1, message: `a read failed (not reproduced reading each value): ${messageOf(readError)}` };
  } catch (error) {
    return { at: program.nodes.length - 1, message: `a read failed: ${messageOf(error)}` };
  } finally {
    disposeRun(stepwise);
  }
}

export function disposeRun(run: Run): void {
  for (const t of run.values) t.dispose();
}

export interface Mismatch {
  readonly at: number;
  readonly message: string;
}

export const TOLERANCE = { atol: 2e-4, rtol: 2e-4 };

/**
 * Exact agreement, NaN matching NaN. −0 matches +0: the backends order signed zeros differently in
 * max/min (backend-cpu's `maximum` is Math.max, its reductions keep the first of equal values; WGSL's keep
 * the second), which no op in the contract pins down.
 */
export function same(a: number, e: number): boolean {
  return a === e || (Number.isNaN(a) && Number.isNaN(e));
}

export function close(a: number, e: number): boolean {
  if (Number.isNaN(e)) return Number.isNaN(a);
  if (!Number.isFinite(e)) return a === e;
  return Math.abs(a - e) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(e);
}

/** The first node whose value differs (dtype, shape, or an element), or where only one backend threw. */
export async function compareRuns(program: Program, expected: Run, actual: Run): Promise<Mismatch | undefined> {
  const count = Math.min(expected.values.length, actual.values.length);
  const [want, got] = await Promise.all([
    Promise.all(expected.values.slice(0, count).map((t) => t.data())),
    Promise.all(actual.values.slice(0, count).map((t) => t.data())),
  ]);
  for (let k = 0; k < count; k++) {
    const e = expected.values[k]!;
    const a = actual.values[k]!;
    if (a.dtype !== e.dtype) return { at: k, message: `dtype ${a.dtype}, expected ${e.dtype}` };
    if (a.shape.join() !== e.shape.join() || a.rank !== e.rank) return { at: k, message: `shape [${a.shape.join(", ")}], expected [${e.shape.join(", ")}]` };
    const node = program.nodes[k]!;
    const exact = node.kind === "leaf" || node.exact || e.dtype !== "float32";
    const w = want[k]!;
    const g = got[k]!;
    for (let i = 0; i < w.length; i++) {
      const ev = w[i]!;
      const av = g[i]!;
      if (exact ? !same(av, ev) : !close(av, ev)) {
        const how = exact ? "exactly" : `within atol ${TOLERANCE.atol}, rtol ${TOLERANCE.rtol}`;
        return { at: k, message: `element ${i} is ${literal(av)}, expected ${literal(ev)} (${how})` };
      }
    }
  }
  if (actual.error !== undefined && actual.error.at === count) {
    return { at: count, message: `webgpu threw where backend-cpu did not: ${actual.error.message}` };
  }
  if (expected.error !== undefined && expected.error.at === count) {
    return { at: count, message: `backend-cpu threw where webgpu did not: ${expected.error.message}` };
  }
  return undefined;
}

