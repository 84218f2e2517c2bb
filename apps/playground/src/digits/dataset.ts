import { InMemoryDataset, split } from "@neurite/data-loaders";
import { decodeDigits, PIXELS } from "./format.js";

/** The page's MNIST digits as seeded train and test sets: 784 pixels in [0, 1] per image, the digit as label. */
export function digitSets(bytes: Uint8Array, seed = 7): { train: InMemoryDataset; test: InMemoryDataset } {
  const { labels, pixels } = decodeDigits(bytes);
  const all = new InMemoryDataset({
    length: labels.length,
    featureWidth: PIXELS,
    labelWidth: 1,
    x: pixels,
    y: labels,
    name: "mnist",
    labelNames: ["digit"],
    featureShape: [PIXELS],
  });
  const { train, test } = split(all, { test: 0.2, seed });
  return { train, test };
}
