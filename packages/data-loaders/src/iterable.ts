import { Dataset, type DatasetMeta } from "./dataset.js";
import { DataError } from "./errors.js";
import { BlockBuilder, type SampleBlock, type SampleInput } from "./sample.js";

/** Anything that yields samples: an array, a Set, a generator, an async generator, a stream of objects. */
export type SampleSource = Iterable<SampleInput> | AsyncIterable<SampleInput>;

/** Options of {@link fromIterable}. */
export interface IterableOptions extends DatasetMeta {
  /** Samples per block handed to the DataLoader (default 1024). */
  readonly blockSize?: number;
}

function isOneShot(source: SampleSource): boolean {
  // A generator object (or any iterator that is its own iterable) can be walked once.
  if (Symbol.asyncIterator in source) return (source[Symbol.asyncIterator] as () => unknown).call(source) === source;
  return (source[Symbol.iterator] as () => unknown).call(source) === source;
}

/**
 * A streaming dataset over any (async) iterable of `{ x, y }` samples. Pass a function that returns the
 * iterable to make the dataset readable once per epoch; a generator object itself can be read only once
 * (a second pass throws a DataError `consumed`).
 *
 * ```ts
 * const data = fromIterable(function* () {
 *   for (let i = 0; i < 100; i++) yield { x: [i / 100], y: [2 * i / 100 + 1] };
 * });
 * ```
 *
 * @throws DataError `width-mismatch` (while reading) when a sample's width differs from the first one's,
 * `not-a-number` for a value that is not a number.
 */
export function fromIterable(source: SampleSource | (() => SampleSource), options: IterableOptions = {}): Dataset {
  return new IterableDataset(source, options);
}

class IterableDataset extends Dataset {
  readonly #source: SampleSource | (() => SampleSource);
  readonly #blockSize: number;
  #used = false;

  constructor(source: SampleSource | (() => SampleSource), options: IterableOptions) {
    super({ name: "iterable", ...options });
    this.#source = source;
    this.#blockSize = options.blockSize ?? 1024;
  }

  async *blocks(): AsyncIterableIterator<SampleBlock> {
    const op = "fromIterable";
    let source: SampleSource;
    if (typeof this.#source === "function") {
      source = this.#source();
    } else {
      source = this.#source;
      if (this.#used && isOneShot(source)) {
        throw new DataError(
          "consumed",
          { op, source: this.name },
          "this iterator was already read by an earlier pass; pass a function that returns a fresh iterator (e.g. the generator function itself) to read it every epoch",
        );
      }
      this.#used = true;
    }
    const builder = new BlockBuilder(-1, -1, this.#blockSize);
    let index = 0;
    for await (const sample of source) {
      if (typeof sample !== "object") {
        throw new DataError("not-a-number", { op, source: this.name, sample: index }, `got ${typeof sample}; expected a sample { x, y }`);
      }
      builder.append(sample, { op, source: this.name, sample: index++ });
      // take() keeps the widths, so later samples must have the first one's.
      if (builder.count === this.#blockSize) yield builder.take();
    }
    if (builder.count > 0) yield builder.take();
  }
}
