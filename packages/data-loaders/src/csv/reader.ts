import { ArgumentError } from "@neurite/tensor-core";
import { DataError, type SkipLog } from "../errors.js";
import { BlockBuilder, type SampleBlock } from "../sample.js";
import { parseNumber } from "./number.js";
import type { CsvTokenizer } from "./tokenizer.js";

/** A column by its header name, or by its 0-based position. */
export type Column = string | number;

/** `oneHot`: one 0/1 value per category. `label`: the category's index as one number. */
export type CategoricalEncoding = "oneHot" | "label";

/** How a categorical column is encoded, and its categories when they are known in advance. */
export interface CategoricalColumn {
  /** Default: `oneHot` for a feature column, `label` for a label column. */
  readonly encoding?: CategoricalEncoding;
  /**
   * The categories, in index order. A value outside them is a bad row (`unknown-category`). Without a list
   * the categories are numbered in order of first appearance; a streaming one-hot column needs the list,
   * because its width must be known before the first row.
   */
  readonly categories?: readonly string[];
}

/**
 * What to do with an empty field or a missing-value token: `error` (default: a bad row, see `onBadRow`),
 * `skip` the row (counted in `skipped`), `{ fill: v }` to put v in a numeric feature, or `mean` to keep NaN in
 * memory for `imputeMean` to fill with the training split's mean (in-memory `readCsv` only). A missing label
 * or category can only be refused or skipped.
 */
export type MissingPolicy = "error" | "skip" | "mean" | { readonly fill: number };

/** How CSV columns become features and labels. */
export interface CsvColumnOptions {
  /** Default `","`; one character. */
  readonly delimiter?: string;
  /** `true` (default): the first row names the columns. `false`: none; columns go by position. Or the names. */
  readonly header?: boolean | readonly string[];
  /** The label column(s). Leave out for unlabelled data. */
  readonly labels?: Column | readonly Column[];
  /** The feature columns, in order. Default: every column that is not a label or ignored. */
  readonly features?: readonly Column[];
  /** Columns left out of the default features (an id, a free-text note). */
  readonly ignore?: readonly Column[];
  /** Columns holding categories: a list (default encodings) or a map from column to its encoding. */
  readonly categorical?: readonly Column[] | Readonly<Record<string, CategoricalEncoding | CategoricalColumn>>;
  readonly missing?: MissingPolicy;
  /** Field values that mean "missing", besides the empty field. Default `["NA", "N/A", "NaN", "null"]`. */
  readonly missingTokens?: readonly string[];
  /** A bad row (ragged, not a number, unknown category, bad quotes, a refused missing value) throws a DataError (`error`, default) or is skipped and counted (`skip`). */
  readonly onBadRow?: "error" | "skip";
}

/** How one CSV column became numbers: where its values sit in x or y. */
export interface CsvColumnInfo {
  readonly name: string;
  /** Its position in the file's rows. */
  readonly index: number;
  readonly role: "feature" | "label";
  readonly encoding: "number" | CategoricalEncoding;
  /** For a categorical column, its categories in index order. */
  readonly categories: readonly string[] | undefined;
  /** Offset of its first value in a sample's x (features) or y (labels). */
  readonly offset: number;
  readonly width: number;
}

const NUMBER = 0;
const ONE_HOT = 1;
const LABEL = 2;
const F32_MAX = 3.4028234663852886e38;

interface Slot {
  readonly field: number;
  readonly name: string;
  /** What errors call the column: its name, or its position when the file has no header. */
  readonly display: string | number;
  readonly role: "feature" | "label";
  readonly encoding: typeof NUMBER | typeof ONE_HOT | typeof LABEL;
  readonly target: 0 | 1;
  offset: number;
  width: number;
  readonly categories: string[];
  readonly lookup: Map<string, number>;
  /** The categories were given: others are refused. */
  readonly fixed: boolean;
  /** A one-hot column whose categories are learned: written as an index now, expanded after the pass. */
  readonly deferred: boolean;
}

const OP = "csv";

/**
 * Turns the rows of one pass over a CSV source into sample blocks: reads the header, resolves the chosen
 * columns, converts every field, and refuses or skips bad rows. One reader per pass; the categories it
 * learns are kept across passes by passing the previous reader's slots on.
 */
export class CsvRowReader {
  readonly #options: CsvColumnOptions;
  readonly #source: string;
  readonly #skips: SkipLog;
  /** Learned one-hot columns are written as indices and expanded later (readCsv); otherwise refused. */
  readonly #deferOneHot: boolean;
  readonly #missingTokens: Set<string>;
  readonly #skipBad: boolean;
  #slots: Slot[] | undefined;
  #names: string[] = [];
  #fieldCount = -1;
  #builder = new BlockBuilder(0, 0);
  #dataRows = 0;
  #sawHeader = false;
  /** Slots that learned a category in the current row (undone if the row is refused). */
  readonly #learned: Slot[] = [];
  #learnedCount = 0;
  /** The previous pass's columns, whose learned categories this pass keeps. */
  readonly #previous: Slot[] | undefined;

  constructor(options: CsvColumnOptions, source: string, skips: SkipLog, deferOneHot: boolean, previous?: CsvRowReader) {
    this.#options = options;
    this.#source = source;
    this.#skips = skips;
    this.#deferOneHot = deferOneHot;
    this.#missingTokens = new Set(["", ...(options.missingTokens ?? ["NA", "N/A", "NaN", "null"])]);
    this.#skipBad = options.onBadRow === "skip";
    this.#previous = previous === undefined ? undefined : previous.#slots;
  }

  /** The columns, once the header (or the first row) has been read. */
  get columns(): CsvColumnInfo[] | undefined {
    return this.#slots?.map((s) => ({
      name: s.name,
      index: s.field,
      role: s.role,
      encoding: s.encoding === NUMBER ? "number" : s.encoding === ONE_HOT ? "oneHot" : "label",
      categories: s.encoding === NUMBER ? undefined : s.categories,
      offset: s.offset,
      width: s.width,
    }));
  }

  get featureWidth(): number {
    return this.#builder.featureWidth;
  }

  get labelWidth(): number {
    return this.#builder.labelWidth;
  }

  /** The rows converted since the last call. */
  takeBlock(): SampleBlock {
    return this.#builder.take();
  }

  /** Call after the tokenizer's `finish()`: an empty file or a header without rows is an error. */
  finish(tokenizer: CsvTokenizer): void {
    const header = this.#options.header ?? true;
    if (header === true && !this.#sawHeader) {
      throw new DataError("empty", { op: OP, source: this.#source }, "the file is empty; expected a header row and data rows");
    }
    if (this.#dataRows === 0) {
      const what = header === true ? "the file has a header but no data rows" : "the file is empty";
      throw new DataError("empty", { op: OP, source: this.#source, line: tokenizer.line }, `${what}; expected at least one data row`);
    }
  }

  /** The tokenizer's row callback. */
  readonly onRow = (t: CsvTokenizer): void => {
    if (this.#slots === undefined) {
      const header = this.#options.header ?? true;
      if (header === true) {
        this.#sawHeader = true;
        const names: string[] = [];
        for (let i = 0; i < t.count; i++) names.push(t.value(i).trim());
        this.#plan(names, t.rowLine, true);
        return;
      }
      const names = header === false ? Array.from({ length: t.count }, (_, i) => String(i)) : [...header];
      this.#plan(names, undefined, header !== false);
    }
    this.#row(t);
  };

  #plan(names: string[], headerLine: number | undefined, named: boolean): void {
    const options = this.#options;
    this.#names = names;
    this.#fieldCount = names.length;
    const where = headerLine === undefined ? { op: OP, source: this.#source } : { op: OP, source: this.#source, line: headerLine };
    const resolve = (column: Column, role: string): number => {
      if (typeof column === "number") {
        if (Number.isInteger(column) && column >= 0 && column < names.length) return column;
        throw new DataError("missing-column", where, `${role} column ${column} does not exist; the rows have ${names.length} columns (0 … ${names.length - 1})`);
      }
      const index = names.indexOf(column);
      if (index === -1) {
        throw new DataError(
          "missing-column",
          where,
          `${role} column "${column}" is not in the header (${names.map((n) => JSON.stringify(n)).join(", ")}); expected one of these names`,
        );
      }
      if (names.lastIndexOf(column) !== index) {
        throw new DataError("missing-column", where, `${role} column "${column}" appears more than once in the header; select it by position instead`);
      }
      return index;
    };
    const labelList = options.labels === undefined ? [] : Array.isArray(options.labels) ? (options.labels as readonly Column[]) : [options.labels as Column];
    const labels = labelList.map((c) => resolve(c, "label"));
    const ignored = new Set((options.ignore ?? []).map((c) => resolve(c, "ignored")));
    const features = options.features !== undefined
      ? options.features.map((c) => resolve(c, "feature"))
      : names.map((_, i) => i).filter((i) => !labels.includes(i) && !ignored.has(i));

    const categorical = new Map<number, CategoricalColumn>();
    const spec = options.categorical ?? [];
    const entries: [Column, CategoricalEncoding | CategoricalColumn][] = Array.isArray(spec)
      ? (spec as readonly Column[]).map((c) => [c, {}])
      : Object.entries(spec as Readonly<Record<string, CategoricalEncoding | CategoricalColumn>>);
    for (const [column, encoding] of entries) {
      const index = resolve(typeof column === "string" && !named && /^\d+$/.test(column) ? Number(column) : column, "categorical");
      if (!features.includes(index) && !labels.includes(index)) {
        throw new ArgumentError({ op: OP, argument: "categorical" }, `column "${names[index]}" is listed as categorical but is neither a feature nor a label`);
      }
      categorical.set(index, typeof encoding === "string" ? { encoding } : encoding);
    }

    const slots: Slot[] = [];
    const offsets = [0, 0];
    const add = (field: number, role: "feature" | "label"): void => {
      const target = role === "feature" ? 0 : 1;
      const cat = categorical.get(field);
      const old = this.#previous?.find((s) => s.field === field && s.role === role);
      let slot: Slot;
      if (cat === undefined) {
        slot = { field, name: names[field]!, display: named ? names[field]! : field, role, encoding: NUMBER, target, offset: 0, width: 1, categories: [], lookup: new Map(), fixed: true, deferred: false };
      } else {
        const encoding = (cat.encoding ?? (role === "feature" ? "oneHot" : "label")) === "oneHot" ? ONE_HOT : LABEL;
        const given = cat.categories;
        // Learned categories carry over from the previous pass, so indices stay the same every epoch.
        const categories = given !== undefined ? [...given] : old !== undefined ? old.categories : [];
        if (encoding === ONE_HOT && given === undefined && !this.#deferOneHot) {
          throw new ArgumentError(
            { op: OP, argument: "categorical" },
            `one-hot column "${names[field]}" needs its categories when the file is streamed (its width must be known before the first row); pass categorical: { ${JSON.stringify(names[field])}: { categories: [...] } }, use label encoding, or load the file with readCsv`,
          );
        }
        const lookup = old !== undefined && given === undefined ? old.lookup : new Map(categories.map((c, i) => [c, i]));
        const deferred = encoding === ONE_HOT && given === undefined;
        slot = { field, name: names[field]!, display: named ? names[field]! : field, role, encoding, target, offset: 0, width: encoding === ONE_HOT && !deferred ? categories.length : 1, categories, lookup, fixed: given !== undefined, deferred };
      }
      slot.offset = offsets[target]!;
      offsets[target]! += slot.width;
      slots.push(slot);
    };
    for (const f of features) add(f, "feature");
    for (const l of labels) add(l, "label");
    this.#slots = slots;
    this.#builder = new BlockBuilder(offsets[0], offsets[1], 1024);
  }

  #reject(error: DataError, skip = this.#skipBad): void {
    for (let k = 0; k < this.#learnedCount; k++) {
      const slot = this.#learned[k]!;
      slot.lookup.delete(slot.categories.pop()!);
    }
    this.#learnedCount = 0;
    if (!skip) throw error;
    this.#skips.add(error);
  }

  #row(t: CsvTokenizer): void {
    this.#dataRows++;
    const source = this.#source;
    // Quotes first: a quote that never closes swallows the rest of the file, which would also look ragged.
    if (t.unclosed || t.badQuote >= 0) {
      const field = t.unclosed ? t.count - 1 : t.badQuote;
      const message = t.unclosed
        ? "a quoted field never closes; expected a closing quote (\")"
        : "text after a closing quote; expected a delimiter or a line break after it (write a quote inside a quoted field as \"\")";
      this.#reject(new DataError("quote", { op: OP, source, line: t.lines[field]!, column: this.#display(field) }, message));
      return;
    }
    if (t.count !== this.#fieldCount) {
      const names = this.#names.length <= 8 ? ` (${this.#names.join(", ")})` : "";
      this.#reject(new DataError("ragged-row", { op: OP, source, line: t.rowLine }, `row has ${t.count} fields, expected ${this.#fieldCount}${names}`));
      return;
    }
    const slots = this.#slots!;
    const builder = this.#builder;
    const row = builder.reserve();
    const x = builder.x;
    const y = builder.y;
    const xBase = row * builder.featureWidth;
    const yBase = row * builder.labelWidth;
    for (let k = 0; k < slots.length; k++) {
      const slot = slots[k]!;
      const f = slot.field;
      const out = slot.target === 0 ? x : y;
      const at = (slot.target === 0 ? xBase : yBase) + slot.offset;
      if (slot.encoding === NUMBER) {
        // A quoted number has no escapes (a quote is not part of a number), so its bytes parse the same way.
        let v = t.quoted[f] === 2 ? NaN : parseNumber(t.bytes, t.starts[f]!, t.ends[f]!);
        if (v !== v) {
          const raw = t.value(f);
          if (this.#missingTokens.has(raw.trim())) {
            const filled = this.#missingValue(slot, t, raw);
            if (filled === undefined) return;
            v = filled;
          } else {
            const hint = slot.role === "feature" ? "; if the column holds categories, list it in the categorical option" : "";
            this.#reject(new DataError("not-a-number", { op: OP, source, line: t.lines[f]!, column: slot.display }, `${JSON.stringify(raw)} is not a number; expected a decimal number such as 3, -0.5, 1e-3 or 78%${hint}`));
            return;
          }
        } else if (v > F32_MAX || v < -F32_MAX) {
          this.#reject(new DataError("not-a-number", { op: OP, source, line: t.lines[f]!, column: slot.display }, `${t.value(f)} is outside the float32 range (±3.4e38)`));
          return;
        }
        out[at] = v;
      } else {
        const raw = t.value(f);
        if (this.#missingTokens.has(raw.trim())) {
          this.#missingValue(slot, t, raw);
          return;
        }
        let index = slot.lookup.get(raw);
        if (index === undefined) {
          if (slot.fixed) {
            this.#reject(new DataError("unknown-category", { op: OP, source, line: t.lines[f]!, column: slot.display }, `${JSON.stringify(raw)} is not one of the column's categories (${slot.categories.map((c) => JSON.stringify(c)).join(", ")})`));
            return;
          }
          index = slot.categories.length;
          slot.categories.push(raw);
          slot.lookup.set(raw, index);
          this.#learned[this.#learnedCount++] = slot;
        }
        if (slot.encoding === ONE_HOT && !slot.deferred) {
          for (let w = 0; w < slot.width; w++) out[at + w] = 0;
          out[at + index] = 1;
        } else {
          out[at] = index;
        }
      }
    }
    this.#learnedCount = 0;
    builder.commit();
  }

  /** The value a missing field gets, or undefined when the row was refused or skipped. */
  #missingValue(slot: Slot, t: CsvTokenizer, raw: string): number | undefined {
    const policy = this.#options.missing ?? "error";
    if (slot.role === "feature" && slot.encoding === NUMBER) {
      if (typeof policy === "object") return policy.fill;
      if (policy === "mean") return NaN;
    }
    const what = raw === "" ? "an empty field" : `the missing-value token ${JSON.stringify(raw)}`;
    const advice = slot.role === "label"
      ? "a missing label can only be skipped (missing: \"skip\" or onBadRow: \"skip\")"
      : slot.encoding === NUMBER
        ? "expected a number; to accept missing values set missing to \"skip\", { fill: 0 } or \"mean\""
        : "a missing category can only be skipped (missing: \"skip\" or onBadRow: \"skip\")";
    const error = new DataError("missing-value", { op: OP, source: this.#source, line: t.lines[slot.field]!, column: slot.display }, `${what}; ${advice}`);
    this.#reject(error, policy === "skip" || this.#skipBad);
    return undefined;
  }

  #display(field: number): string | number {
    return (this.#options.header ?? true) === false ? field : this.#names[field]!;
  }
}
