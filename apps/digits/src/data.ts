// The digits: the mnist package's 10 000 images, split by the seed into train / validation / test.
import { split, type InMemoryDataset } from "@neurite/data-loaders";
import { loadMnist } from "@neurite/data-loaders/mnist";
import type { ModelName } from "./args.js";

/** Fractions held out: validation picks nothing here (it is only watched), test is looked at once, at the end. */
const VALIDATION = 0.1;
const TEST = 0.15;

export interface Digits {
  readonly train: InMemoryDataset;
  readonly validation: InMemoryDataset;
  readonly test: InMemoryDataset;
}

/**
 * The seeded split: the same seed gives the same three sets on every machine. The CNN sees images
 * `[28, 28, 1]`, the MLP 784 pixels in a row. `limit` keeps the first digits of the (already shuffled)
 * training set.
 */
export async function loadDigits(model: ModelName, seed: number, limit: number | null): Promise<Digits> {
  const all = await loadMnist({ shape: model === "cnn" ? "image" : "flat" });
  const { train, validation, test } = split(all, { validation: VALIDATION, test: TEST, seed });
  return { train: limit === null ? train : train.slice(0, limit), validation, test };
}
