import { ArgumentError, tensor, type Backend, type Tensor } from "@neurite/tensor-core";
import { inMemoryBatches, streamBatches, type EpochPlan, type HostBatch } from "./batching.js";
import { Dataset, InMemoryDataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { checkSeed, freshSeed, MAX_EPOCHS } from "./random.js";

/** Options of the {@link DataLoader}. */
export interface DataLoaderOptions {
  /**
   * Samples per batch — the course notes' three gradient-descent modes: `1` is stochastic gradient descent
   * (an update after every sample), `"all"` is batch gradient descent (one update per epoch, over the whole
   * set), anything between is mini-batch gradient descent.
   */
  readonly batchSize: number | "all";
  /** Visit the samples in a new seeded order every epoch (default false). */
  readonly shuffle?: boolean;
  /**
   * Seed of the shuffle, an integer in [0, 2⁵³). Epoch e's order depends only on (seed, e): the same seed
   * gives the same orders on every machine. Default: a random seed, readable as `loader.seed`.
   */
  readonly seed?: number;
  /** Drop the last batch of an epoch when it is smaller than `batchSize` (default false). */
  readonly dropLast?: boolean;
  /** Batches prepared ahead (as plain numbers) while the consumer works on the current one (default 2). */
  readonly prefetch?: number;
  /**
   * Streaming datasets only: samples held by the shuffle buffer (default 10 000). A stream cannot be
   * permuted without reading it whole, so it is shuffled within this window; in-memory datasets are
   * shuffled exactly.
   */
  readonly shuffleBuffer?: number;
  /**
   * `"float32"` (default): labels as a float32 tensor `[B, labelWidth]`, for regression, binary targets and
   * one-hot labels. `"int32"`: class indices as an int32 tensor `[B]` (the label width must be 1).
   */
  readonly labels?: "float32" | "int32";
  /** The backend the batch tensors are created on (default: the current backend when the batch is made). */
  readonly backend?: Backend;
}

/**
 * One batch: features `x` of shape `[size, ...featureShape]` (float32) and labels `y` (see the `labels`
 * option). The tensors belong to the consumer: dispose them (`batch.dispose()`, `using`) or run the step
 * inside `tidy`.
 */
export class Batch {
  constructor(
    readonly x: Tensor,
    readonly y: Tensor,
    /** Samples in this batch (the last one of an epoch may be smaller). */
    readonly size: number,
    /** Position of the batch in its epoch, from 0. */
    readonly index: number,
    readonly epoch: number,
  ) {}

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

const OP = "DataLoader";

function positiveInteger(argument: string, value: number, allowZero = false): void {
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new ArgumentError({ op: OP, argument }, `expected a ${allowZero ? "non-negative" : "positive"} integer, got ${String(value)}`);
  }
}

/**
 * Cuts a dataset into batches of tensors, epoch after epoch: `for await (const { x, y } of loader)` runs one
 * epoch, and the next loop runs the next epoch in a new order (when shuffling). Samples stay plain numbers
 * until a batch is handed out; only then are its two tensors created, on the current backend.
 *
 * Memory: the tensors of a batch belong to the consumer, who disposes them or runs the step in `tidy`.
 * Batches prepared ahead by `prefetch` are plain typed arrays, never tensors, so breaking out of the loop
 * leaks nothing (and closes the file or stream being read); it also means a prefetched batch never lands in
 * the consumer's `tidy` scope by accident.
 *
 * ```ts
 * const loader = new DataLoader(courseNotesTable(), { batchSize: 2, shuffle: true, seed: 42 });
 * for (let epoch = 0; epoch < 3; epoch++) {
 *   for await (const batch of loader) {
 *     // batch.x: [2, 3], batch.y: [2, 1]; train on them here
 *     batch.dispose();
 *   }
 * }
 * ```
 */
export class DataLoader implements AsyncIterable<Batch> {
  readonly dataset: Dataset;
  readonly batchSize: number | "all";
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly prefetch: number;
  readonly shuffleBuffer: number;
  readonly labels: "float32" | "int32";
  readonly backend: Backend | undefined;
  #epoch = 0;

  constructor(dataset: Dataset, options: DataLoaderOptions) {
    if (!(dataset instanceof Dataset)) {
      throw new ArgumentError({ op: OP, argument: "dataset" }, "expected a Dataset (fromArrays, fromIterable, csv, readCsv, …)");
    }
    const { batchSize, shuffle = false, seed = freshSeed(), dropLast = false, prefetch = 2, shuffleBuffer = 10_000, labels = "float32" } = options;
    if (batchSize !== "all") {
      if (typeof batchSize !== "number" || !Number.isInteger(batchSize) || batchSize < 1) {
        const seen = typeof batchSize === "string" ? JSON.stringify(batchSize) : String(batchSize);
        throw new ArgumentError({ op: OP, argument: "batchSize" }, `expected a positive integer or "all", got ${seen}`);
      }
    }
    checkSeed(OP, seed);
    positiveInteger("prefetch", prefetch, true);
    positiveInteger("shuffleBuffer", shuffleBuffer);
    if (!(["float32", "int32"] as unknown[]).includes(labels)) {
      throw new ArgumentError({ op: OP, argument: "labels" }, `expected "float32" or "int32", got ${JSON.stringify(labels)}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    this.prefetch = prefetch;
    this.shuffleBuffer = shuffleBuffer;
    this.labels = labels;
    this.backend = options.backend;
  }

  /** The epoch the next `for await` loop runs (each loop advances it); set it to resume training. */
  get epoch(): number {
    return this.#epoch;
  }

  set epoch(value: number) {
    checkEpoch(value);
    this.#epoch = value;
  }

  /** Batches per epoch, when the dataset is in memory; undefined for streams. */
  get length(): number | undefined {
    if (!(this.dataset instanceof InMemoryDataset)) return undefined;
    const n = this.dataset.length;
    if (this.batchSize === "all") return n === 0 ? 0 : 1;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Runs the next epoch. */
  [Symbol.asyncIterator](): AsyncIterableIterator<Batch> {
    return this.batches(this.#epoch++);
  }

  /** The batches of epoch `epoch` (same order every time for a given seed); does not advance `epoch`. */
  batches(epoch: number): AsyncIterableIterator<Batch> {
    checkEpoch(epoch);
    const plan: EpochPlan = {
      batchSize: this.batchSize,
      shuffle: this.shuffle,
      seed: this.seed,
      epoch,
      dropLast: this.dropLast,
      shuffleBuffer: this.shuffleBuffer,
    };
    const data = this.dataset;
    const host = data instanceof InMemoryDataset ? toAsync(inMemoryBatches(data, plan)) : streamBatches(data, plan);
    return new BatchIterator(host, this.prefetch, (b) => this.#toBatch(b, epoch));
  }

  #toBatch(host: HostBatch, epoch: number): Batch {
    const shape = this.dataset.featureShape;
    const featureShape = shape !== undefined && shape.reduce((a, b) => a * b, 1) === host.featureWidth ? shape : [host.featureWidth];
    const options = this.backend === undefined ? {} : { backend: this.backend };
    let y: Tensor;
    if (this.labels === "int32") {
      if (host.labelWidth !== 1) {
        throw new ArgumentError({ op: OP, argument: "labels" }, `"int32" labels are class indices, one per sample, but the samples have ${host.labelWidth} label values; use "float32" (e.g. for one-hot labels)`);
      }
      const indices = new Int32Array(host.count);
      for (let i = 0; i < host.count; i++) {
        const v = host.y[i]!;
        if (!Number.isInteger(v)) {
          throw new DataError("not-a-number", { op: OP, source: this.dataset.name }, `batch ${host.index} has the label ${v}; "int32" labels must be whole class indices`);
        }
        indices[i] = v;
      }
      y = tensor(indices, { ...options, shape: [host.count] });
    } else {
      y = tensor(host.y, { ...options, shape: [host.count, host.labelWidth] });
    }
    let x: Tensor;
    try {
      x = tensor(host.x, { ...options, shape: [host.count, ...featureShape] });
    } catch (error) {
      y.dispose();
      throw error;
    }
    return new Batch(x, y, host.count, host.index, epoch);
  }
}

function checkEpoch(epoch: number): void {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch >= MAX_EPOCHS) {
    throw new ArgumentError({ op: OP, argument: "epoch" }, `expected an integer in [0, ${MAX_EPOCHS}), got ${epoch}`);
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- adapts a sync generator to the async protocol
async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T, void, undefined> {
  yield* items;
}

/**
 * The loop's iterator: keeps up to `prefetch` host batches in preparation and turns each into tensors only
 * when it is handed out. `return()` (a `break`) drops prepared batches, which hold no tensors, and closes
 * the source.
 */
class BatchIterator implements AsyncIterableIterator<Batch> {
  readonly #source: AsyncGenerator<HostBatch, void, undefined>;
  readonly #prefetch: number;
  readonly #toBatch: (host: HostBatch) => Batch;
  readonly #queue: Promise<IteratorResult<HostBatch, void>>[] = [];
  #done = false;

  constructor(source: AsyncGenerator<HostBatch, void, undefined>, prefetch: number, toBatch: (host: HostBatch) => Batch) {
    this.#source = source;
    this.#prefetch = prefetch;
    this.#toBatch = toBatch;
  }

  #request(): void {
    const next = this.#source.next();
    // Errors surface when this batch's turn comes; until then the rejection is handled here.
    next.catch(() => undefined);
    this.#queue.push(next);
  }

  async next(): Promise<IteratorResult<Batch, undefined>> {
    if (this.#done) return { done: true, value: undefined };
    while (this.#queue.length < this.#prefetch + 1) this.#request();
    let result: IteratorResult<HostBatch, void>;
    try {
      result = await this.#queue.shift()!;
    } catch (error) {
      this.#done = true;
      this.#queue.length = 0;
      throw error;
    }
    if (result.done === true) {
      this.#done = true;
      this.#queue.length = 0;
      return { done: true, value: undefined };
    }
    try {
      return { done: false, value: this.#toBatch(result.value) };
    } catch (error) {
      await this.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<Batch, undefined>> {
    this.#done = true;
    this.#queue.length = 0;
    await this.#source.return(undefined);
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<Batch> {
    return this;
  }
}
