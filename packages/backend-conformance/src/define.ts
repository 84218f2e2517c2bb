import { NeuriteError, type Backend, type DType } from "@neurite/tensor-core";
import { ConformanceFailure, type ConformanceCase } from "./case.js";
import { formatNumber } from "./check.js";
import { Rng } from "./rng.js";

/** Context handed to a case body: the backend and a generator seeded by the case's name. */
export interface CaseContext {
  readonly backend: Backend;
  readonly rng: Rng;
  readonly name: string;
}

/** Builds a case; its dtypes are de-duplicated and its inputs come from an Rng seeded by its name. */
export function defineCase(group: string, name: string, dtypes: readonly DType[], body: (ctx: CaseContext) => Promise<void>): ConformanceCase {
  const unique = [...new Set(dtypes)];
  return {
    name,
    group,
    dtypes: unique,
    run: (backend) => body({ backend, rng: Rng.from(name), name }),
  };
}

/** `[2, 3]` the way tensor-core's messages print shapes. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** What a thrown error must look like. */
export interface ErrorExpectation {
  /** The error class, e.g. `ShapeError`. */
  readonly type: abstract new (...args: never[]) => NeuriteError;
  readonly op: string;
  /** The argument the error blames, when it must name one. */
  readonly argument?: string;
  /** Strings the message must contain (the shapes, the dtypes, the bad value). */
  readonly mentions?: readonly string[];
}

/**
 * Runs `fn` and checks it throws (or rejects with) the typed error: the right class, a NeuriteError, the op
 * (and argument) it names, and a message that mentions the given strings.
 */
export async function expectError(label: string, fn: () => unknown, want: ErrorExpectation): Promise<void> {
  let error: unknown;
  let threw = false;
  try {
    await fn();
  } catch (e) {
    threw = true;
    error = e;
  }
  const expectation = `${want.type.name} from op '${want.op}'${want.argument === undefined ? "" : ` blaming argument '${want.argument}'`}`;
  if (!threw) throw new ConformanceFailure(`${label}: expected ${expectation}, but nothing was thrown`);
  const seen = error instanceof Error ? `${error.name}: ${error.message}` : `a non-Error value ${formatThrown(error)}`;
  if (!(error instanceof want.type) || !(error instanceof NeuriteError)) {
    throw new ConformanceFailure(`${label}: expected ${expectation}, but got ${seen}`);
  }
  if (error.op !== want.op) throw new ConformanceFailure(`${label}: expected ${expectation}, but error.op is '${error.op}' (${seen})`);
  if (want.argument !== undefined && error.argument !== want.argument) {
    throw new ConformanceFailure(`${label}: expected ${expectation}, but error.argument is ${error.argument === undefined ? "undefined" : `'${error.argument}'`} (${seen})`);
  }
  for (const text of want.mentions ?? []) {
    if (!error.message.includes(text)) throw new ConformanceFailure(`${label}: the ${error.name} message should mention "${text}": ${error.message}`);
  }
}

function formatThrown(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value;
}

/** Throws a ConformanceFailure unless `condition`. */
export function ensure(condition: boolean, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}
