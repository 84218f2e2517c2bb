import { NeuriteError } from "@neurite/tensor-core";

/** Why a piece of data was refused. */
export type DataErrorReason =
  /** The source holds no header or no data rows. */
  | "empty"
  /** A row with more or fewer fields than the header. */
  | "ragged-row"
  /** A value that is not a number in a numeric column, or a label that is not a whole number. */
  | "not-a-number"
  /** An empty field (or a missing-value token such as `NA`) where the missing-value policy forbids one. */
  | "missing-value"
  /** A feature or label column that the header does not have. */
  | "missing-column"
  /** A category that is not in the column's list of categories. */
  | "unknown-category"
  /** A quoted field that never closes, or text after a closing quote. */
  | "quote"
  /** Features and labels of different lengths. */
  | "length-mismatch"
  /** A sample whose feature or label width differs from the first sample's. */
  | "width-mismatch"
  /** A file or URL that cannot be read. */
  | "io"
  /** A one-shot source (a ReadableStream, a generator object) read a second time. */
  | "consumed"
  /** An optional package (such as `mnist`) that is not installed. */
  | "missing-package";

/** Where a piece of bad data is: the source, and the line, column or sample index where they apply. */
export interface DataLocation {
  /** The op that refused it: "csv", "fromArrays", "DataLoader", … */
  readonly op: string;
  /** The file name, URL, or a word for the source ("string", "arrays", "iterable"). */
  readonly source: string;
  /** 1-based line in the file (the line a field starts on, for fields spanning lines). */
  readonly line?: number;
  /** The column's header name, or its 0-based index when the file has no header. */
  readonly column?: string | number;
  /** 0-based index of the sample (for sources without lines). */
  readonly sample?: number;
}

function describe(where: DataLocation): string {
  const parts = [where.source];
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  if (where.sample !== undefined) parts.push(`sample ${where.sample}`);
  if (where.column !== undefined) parts.push(typeof where.column === "number" ? `column ${where.column}` : `column "${where.column}"`);
  return `${where.op} (${parts.join(", ")})`;
}

/**
 * Bad data, refused with its place: the message reads
 * `csv (students.csv, line 7, column "sleep"): "abc" is not a number; expected a number …`.
 * `reason` says which kind of problem it is, for code that wants to react to one kind.
 *
 * ```ts
 * try { await readCsv(text, { labels: "exam" }); }
 * catch (e) { if (e instanceof DataError && e.reason === "ragged-row") console.log(e.line); }
 * ```
 */
export class DataError extends NeuriteError {
  readonly reason: DataErrorReason;
  readonly source: string;
  readonly line: number | undefined;
  readonly column: string | number | undefined;
  readonly sample: number | undefined;

  constructor(reason: DataErrorReason, where: DataLocation, message: string, options?: { readonly cause?: unknown }) {
    super({ op: where.op }, message);
    this.message = `${describe(where)}: ${message}`;
    if (options?.cause !== undefined) this.cause = options.cause;
    this.reason = reason;
    this.source = where.source;
    this.line = where.line;
    this.column = where.column;
    this.sample = where.sample;
  }
}

/** How many rows a pass skipped under `onBadRow: "skip"` (or `missing: "skip"`), and why the first few were. */
export interface SkipReport {
  readonly count: number;
  /** The first 10 reasons, in file order. */
  readonly reasons: readonly DataError[];
}

/** Collects skipped rows: counts them all, keeps the first few errors. */
export class SkipLog implements SkipReport {
  static readonly keep = 10;
  count = 0;
  readonly reasons: DataError[] = [];

  add(error: DataError): void {
    this.count++;
    if (this.reasons.length < SkipLog.keep) this.reasons.push(error);
  }
}

export const NO_SKIPS: SkipReport = Object.freeze({ count: 0, reasons: Object.freeze([]) });
