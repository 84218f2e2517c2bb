import { ArgumentError } from "@neurite/tensor-core";
import { Dataset, InMemoryDataset } from "../dataset.js";
import { DataError, SkipLog, type SkipReport } from "../errors.js";
import type { SampleBlock } from "../sample.js";
import { CsvRowReader, type CsvColumnInfo, type CsvColumnOptions } from "./reader.js";
import { byteChunks, isOneShot, sourceName, type CsvSource } from "./source.js";
import { CsvTokenizer } from "./tokenizer.js";

/** Options of {@link csv} and {@link readCsv}. */
export interface CsvOptions extends CsvColumnOptions {
  /** The name errors give the source (default: the file name, the URL, or "string"). */
  readonly name?: string;
  /** The shape of one sample's features, when they are e.g. image pixels. */
  readonly featureShape?: readonly number[];
}

function checkOptions(options: CsvOptions, streaming: boolean): void {
  const op = "csv";
  const { delimiter = ",", missing } = options;
  if (delimiter.length !== 1 || delimiter.charCodeAt(0) >= 128 || delimiter === '"' || delimiter === "\n" || delimiter === "\r") {
    throw new ArgumentError({ op, argument: "delimiter" }, `expected one ASCII character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  if (streaming && missing === "mean") {
    throw new ArgumentError(
      { op, argument: "missing" },
      `"mean" needs every row in memory (the mean is fitted on the training split): load the file with readCsv and apply imputeMean(train), or use { fill: value }`,
    );
  }
  if (typeof missing === "object" && !Number.isFinite(missing.fill)) {
    throw new ArgumentError({ op, argument: "missing" }, `expected a finite fill value, got ${missing.fill}`);
  }
}

function checkSource(source: CsvSource): void {
  if (typeof source !== "string" || /[\n\r]/.test(source)) return;
  const op = "csv";
  if (/^https?:\/\//i.test(source)) {
    throw new ArgumentError({ op, argument: "source" }, `a string is read as CSV text, and ${JSON.stringify(source)} looks like a URL; pass new URL(${JSON.stringify(source)})`);
  }
  if (/\.(csv|tsv|txt)$/i.test(source) && !source.includes(",")) {
    throw new ArgumentError({ op, argument: "source" }, `a string is read as CSV text, and ${JSON.stringify(source)} looks like a file path; use csvFile(path, options) from "@neurite/data-loaders/node"`);
  }
}

/**
 * A CSV source read as a stream: one pass reads the text chunk by chunk, so memory stays bounded by a chunk
 * and the DataLoader's batches however large the file is. Every pass (every epoch) reads the source again.
 */
export class CsvDataset extends Dataset {
  readonly #source: CsvSource;
  readonly #options: CsvOptions;
  readonly #deferOneHot: boolean;
  #reader: CsvRowReader | undefined;
  #skips = new SkipLog();
  #used = false;

  /** @internal Use {@link csv}. */
  constructor(source: CsvSource, options: CsvOptions, inMemory: boolean) {
    checkOptions(options, !inMemory);
    checkSource(source);
    super({ name: options.name ?? sourceName(source), featureShape: options.featureShape });
    this.#source = source;
    this.#options = options;
    this.#deferOneHot = inMemory;
  }

  /** How each chosen column became numbers; undefined until a pass has read the header. */
  get columns(): readonly CsvColumnInfo[] | undefined {
    return this.#reader?.columns;
  }

  override get featureNames(): readonly string[] | undefined {
    return this.columns && namesOf(this.columns, "feature");
  }

  override get labelNames(): readonly string[] | undefined {
    return this.columns && namesOf(this.columns, "label");
  }

  /** Rows skipped by the latest pass (with `onBadRow: "skip"` or `missing: "skip"`). */
  override get skipped(): SkipReport {
    return this.#skips;
  }

  async *blocks(): AsyncIterableIterator<SampleBlock> {
    if (isOneShot(this.#source)) {
      if (this.#used) {
        throw new DataError(
          "consumed",
          { op: "csv", source: this.name },
          "this stream was already read by an earlier pass; pass a function that returns a fresh stream to read it every epoch, or load it once with readCsv",
        );
      }
      this.#used = true;
    }
    this.#skips = new SkipLog();
    const reader = new CsvRowReader(this.#options, this.name, this.#skips, this.#deferOneHot, this.#reader);
    this.#reader = reader;
    const tokenizer = new CsvTokenizer(this.#options.delimiter ?? ",", reader.onRow);
    for await (const chunk of byteChunks(this.#source, this.name)) {
      tokenizer.push(chunk);
      const block = reader.takeBlock();
      if (block.count > 0) yield block;
    }
    tokenizer.finish();
    reader.finish(tokenizer);
    const block = reader.takeBlock();
    if (block.count > 0) yield block;
  }

  /** @internal readCsv's last step: one-hot columns whose categories were learned are widened now. */
  expandLearned(data: InMemoryDataset): InMemoryDataset {
    const columns = this.columns;
    if (columns === undefined) return data;
    const deferred = columns.filter((c) => c.encoding === "oneHot" && c.width === 1);
    if (deferred.length === 0) return data;
    const widthOf = (c: CsvColumnInfo): number => (deferred.includes(c) ? c.categories!.length : c.width);
    const layout = (role: "feature" | "label"): { from: CsvColumnInfo; to: number; width: number }[] => {
      let offset = 0;
      return columns.filter((c) => c.role === role).map((c) => {
        const entry = { from: c, to: offset, width: widthOf(c) };
        offset += entry.width;
        return entry;
      });
    };
    const expand = (values: Float32Array, oldWidth: number, role: "feature" | "label"): { values: Float32Array; width: number } => {
      const parts = layout(role);
      const width = parts.reduce((a, p) => a + p.width, 0);
      const out = new Float32Array(data.length * width);
      for (let r = 0; r < data.length; r++) {
        for (const p of parts) {
          const v = values[r * oldWidth + p.from.offset]!;
          if (deferred.includes(p.from)) out[r * width + p.to + v] = 1;
          else for (let k = 0; k < p.width; k++) out[r * width + p.to + k] = values[r * oldWidth + p.from.offset + k]!;
        }
      }
      return { values: out, width };
    };
    const x = expand(data.x, data.featureWidth, "feature");
    const y = expand(data.y, data.labelWidth, "label");
    return new InMemoryDataset({
      length: data.length,
      featureWidth: x.width,
      labelWidth: y.width,
      x: x.values,
      y: y.values,
      name: this.name,
      featureNames: namesOf(columns, "feature"),
      labelNames: namesOf(columns, "label"),
      skipped: data.skipped,
    });
  }
}

function namesOf(columns: readonly CsvColumnInfo[], role: "feature" | "label"): string[] {
  return columns.filter((c) => c.role === role).flatMap((c) => (c.encoding === "oneHot" ? (c.categories ?? []).map((k) => `${c.name}=${k}`) : [c.name]));
}

/**
 * A CSV source as a streaming dataset: the header names the columns, `labels` picks the label column(s),
 * `features` the feature columns (default: all others), `categorical` the columns holding categories.
 * Nothing is read until a pass starts; bad rows throw a DataError naming the line and column, or are
 * skipped and counted with `onBadRow: "skip"`.
 *
 * ```ts
 * const data = csv("study,sleep,exam\n12,6,93%\n22,6.5,68%\n", { labels: "exam" });
 * const loader = new DataLoader(data, { batchSize: 32, shuffle: true, seed: 1 });
 * ```
 */
export function csv(source: CsvSource, options: CsvOptions = {}): CsvDataset {
  return new CsvDataset(source, options, false);
}

/**
 * Reads a whole CSV source into memory, for data that fits: it can then be split, shuffled exactly and
 * have transforms fitted on it. Unlike {@link csv}, one-hot columns may learn their categories (numbered in
 * order of first appearance), and `missing: "mean"` keeps missing values as NaN for `imputeMean`.
 *
 * ```ts
 * const text = "height,weight,species\n30,4,cat\n60,25,dog\n25,3,cat\n";
 * const data = await readCsv(text, { labels: "species", categorical: ["species"] });
 * data.length; // 3 rows read
 * data.skipped; // { count, reasons } with onBadRow: "skip"
 * ```
 */
export async function readCsv(source: CsvSource, options: CsvOptions = {}): Promise<InMemoryDataset> {
  const dataset = new CsvDataset(source, options, true);
  return dataset.expandLearned(await dataset.collect());
}
