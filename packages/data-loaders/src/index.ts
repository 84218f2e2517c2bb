/**
 * @neurite/data-loaders — where data enters Neurite: datasets from arrays, tensors, CSV text, files, URLs
 * and streams, and (async) iterables; the DataLoader that cuts them into seeded, shuffled batches of tensors
 * (batch size 1, a mini-batch, or "all": the course notes' three kinds of gradient descent); transforms
 * fitted on the training split; seeded splits; and small built-in datasets. No import side effects; Node-only
 * file reading lives in "@neurite/data-loaders/node", the MNIST adapter in "@neurite/data-loaders/mnist".
 */
export { fromArrays, fromTensors, type Rows } from "./arrays.js";
export { Dataset, InMemoryDataset, type DatasetMeta, type InMemoryData, type MapOptions } from "./dataset.js";
export { DataError, type DataErrorReason, type DataLocation, type SkipReport } from "./errors.js";
export { fromIterable, type IterableOptions, type SampleSource } from "./iterable.js";
export { Batch, DataLoader, type DataLoaderOptions } from "./loader.js";
export { normals, permutation, UniformStream } from "./random.js";
export type { Sample, SampleBlock, SampleInput } from "./sample.js";
export { csv, readCsv, CsvDataset, type CsvOptions } from "./csv/dataset.js";
export type { CategoricalColumn, CategoricalEncoding, Column, CsvColumnInfo, CsvColumnOptions, MissingPolicy } from "./csv/reader.js";
export type { CsvSource } from "./csv/source.js";
export { CsvTokenizer } from "./csv/tokenizer.js";
export { Transform, type Target } from "./transforms/transform.js";
export { AffineScaler, MinMaxScaler, minMaxScale, standardize, Standardizer, type FitOptions } from "./transforms/scale.js";
export { imputeMean, MeanImputer } from "./transforms/impute.js";
export { LabelEncoder, OneHot, oneHot } from "./transforms/encode.js";
export { split, type SplitOptions, type Splits } from "./transforms/split.js";
export * from "./datasets/index.js";
