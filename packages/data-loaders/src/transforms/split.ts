import { ArgumentError } from "@neurite/tensor-core";
import type { InMemoryDataset } from "../dataset.js";
import { checkSeed, permutation, SPLIT_OFFSET } from "../random.js";

/** Fractions of the data held out, and the seed of the shuffle that decides who goes where. */
export interface SplitOptions {
  /** Fraction for the validation split (default 0). */
  readonly validation?: number;
  /** Fraction for the test split (default 0). */
  readonly test?: number;
  /** Seed of the split's permutation (default 0): the same seed, the same split on every machine. */
  readonly seed?: number;
  /** Shuffle before cutting (default true); false keeps the order, e.g. for time series. */
  readonly shuffle?: boolean;
}

/** The three parts `split` returns. */
export interface Splits {
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
}

/**
 * A seeded train / validation / test split: the samples are permuted by the seed (stream offset 2⁵², apart
 * from the loader's epochs) and cut into round(n · validation) validation samples, round(n · test) test
 * samples and the rest for training. Every sample lands in exactly one split.
 *
 * ```ts
 * const data = twoMoons({ n: 100, seed: 1 });
 * const { train, validation, test } = split(data, { validation: 0.15, test: 0.15, seed: 7 });
 * ```
 */
export function split(data: InMemoryDataset, options: SplitOptions = {}): Splits {
  const op = "split";
  const { validation = 0, test = 0, seed = 0, shuffle = true } = options;
  for (const [argument, value] of [["validation", validation], ["test", test]] as const) {
    if (!Number.isFinite(value) || value < 0 || value >= 1) throw new ArgumentError({ op, argument }, `expected a fraction in [0, 1), got ${value}`);
  }
  if (validation + test >= 1) throw new ArgumentError({ op, argument: "validation, test" }, `the held-out fractions add up to ${validation + test}; expected less than 1, leaving samples to train on`);
  checkSeed(op, seed);
  const n = data.length;
  const nValidation = Math.round(n * validation);
  const nTest = Math.round(n * test);
  const nTrain = n - nValidation - nTest;
  const order = shuffle ? permutation(n, seed, SPLIT_OFFSET) : Uint32Array.from({ length: n }, (_, i) => i);
  return {
    train: data.select(order.subarray(0, nTrain)),
    validation: data.select(order.subarray(nTrain, nTrain + nValidation)),
    test: data.select(order.subarray(nTrain + nValidation)),
  };
}
