/**
 * The reliability table's shape: one row per bad input to the public API. A row builds what it needs, names
 * the call that must be refused, the error class and the key words its message must contain, and a snapshot
 * of the state that must be the same after the refusal. The runner (reliability.test.ts) also checks that a
 * refusal leaves no tensor behind. Add a row to the area's file (or a new file listed in `index.ts`).
 */
export interface Refusal {
  /** What the row is about, e.g. "binaryCrossEntropy on logits". */
  readonly name: string;
  readonly error: abstract new (...args: never[]) => Error;
  /** Words (or phrases) the message must contain: the op, the argument, what was seen and expected. */
  readonly words: readonly string[];
  /** Words it must not contain, e.g. the name of an internal op or transform the user did not call. */
  readonly notWords?: readonly string[];
  /** Builds the row's objects; returns the call to refuse and, optionally, the state it must not change. */
  readonly arrange: () => Arranged | Promise<Arranged>;
}

export interface Arranged {
  readonly act: () => unknown;
  /** A plain-data snapshot (numbers, strings, arrays, objects) of everything the call could have changed. */
  readonly state?: () => unknown;
  /** Frees what `arrange` made (tensors, models), after the checks. */
  readonly cleanup?: () => void;
}

/** The areas of the public API the table covers, each a list of rows. */
export type Table = Readonly<Record<string, readonly Refusal[]>>;
