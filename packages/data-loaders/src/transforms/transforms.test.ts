import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, setBackend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, test } from "vitest";
import { fromArrays } from "../arrays.js";
import type { InMemoryDataset } from "../dataset.js";
import { DataError } from "../errors.js";
import { fromIterable } from "../iterable.js";
import { DataLoader } from "../loader.js";
import { LabelEncoder, oneHot } from "./encode.js";
import { imputeMean } from "./impute.js";
import { minMaxScale, standardize } from "./scale.js";
import { split } from "./split.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const column = (data: InMemoryDataset, k: number, target: "x" | "y" = "x"): number[] => {
  const width = target === "x" ? data.featureWidth : data.labelWidth;
  const values = target === "x" ? data.x : data.y;
  return Array.from({ length: data.length }, (_, i) => values[i * width + k]!);
};
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const std = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));

// Training rows around (10, 100), test rows far away: statistics fitted on the wrong split would show.
const train = fromArrays([[8, 90], [10, 100], [12, 110], [10, 104]], [[1], [2], [3], [4]], { featureNames: ["a", "b"] });
const test_ = fromArrays([[20, 300], [30, 500]], [[5], [6]], { featureNames: ["a", "b"] });

describe("standardize", () => {
  test("is fitted on the training split and applied unchanged to the others", () => {
    const scaler = standardize(train);
    expect(Array.from(scaler.mean)).toEqual([10, 101]);
    expect(scaler.std[0]).toBeCloseTo(std([8, 10, 12, 10]), 6);
    const trainS = scaler.apply(train);
    expect(mean(column(trainS, 0))).toBeCloseTo(0, 6);
    expect(std(column(trainS, 1))).toBeCloseTo(1, 5);
    const testS = scaler.apply(test_);
    expect(column(testS, 0)[0]).toBeCloseTo((20 - 10) / std([8, 10, 12, 10]), 5);
    expect(mean(column(testS, 0))).toBeGreaterThan(5); // the test split was not centred on itself
    expect(Array.from(test_.x)).toEqual([20, 300, 30, 500]); // the original is untouched
    expect(testS.featureNames).toEqual(["a", "b"]);
  });

  test("scales chosen columns only, by index or name", () => {
    const scaled = standardize(train, { columns: ["b"] }).apply(train);
    expect(column(scaled, 0)).toEqual([8, 10, 12, 10]);
    expect(mean(column(scaled, 1))).toBeCloseTo(0, 6);
    expect(() => standardize(train, { columns: ["zz"] })).toThrow(ArgumentError);
    expect(() => standardize(train, { columns: [2] })).toThrow(/outside \[0, 2\)/);
  });

  test("scales labels with target y and inverts predictions back to units", () => {
    const scaler = standardize(train, { target: "y" });
    const scaled = scaler.apply(train);
    expect(mean(column(scaled, 0, "y"))).toBeCloseTo(0, 6);
    expect(Array.from(scaler.invert(scaled.y, 1))).toEqual([1, 2, 3, 4].map((v) => expect.closeTo(v, 5) as unknown as number));
  });

  test("a constant column is only centred", () => {
    const scaler = standardize(fromArrays([[5], [5]], [0, 1]));
    expect(Array.from(scaler.std)).toEqual([1]);
    expect(Array.from(scaler.apply(fromArrays([[7]], [0])).x)).toEqual([2]);
  });

  test("fits on a stream by one pass, to the same statistics", async () => {
    const stream = fromIterable(() => Array.from({ length: train.length }, (_, i) => train.get(i)));
    const scaler = await standardize(stream);
    expect(Array.from(scaler.mean)).toEqual([10, 101]);
    const applied = await scaler.apply(stream).collect();
    expect(Array.from(applied.x)).toEqual(Array.from(standardize(train).apply(train).x));
  });
});

describe("minMaxScale", () => {
  test("maps the training min and max to the range; other splits may fall outside", () => {
    const scaler = minMaxScale(train);
    expect(column(scaler.apply(train), 0)).toEqual([0, 0.5, 1, 0.5]);
    expect(column(scaler.apply(test_), 0)[0]).toBeCloseTo(3, 6);
    const symmetric = minMaxScale(train, { range: [-1, 1] });
    expect(column(symmetric.apply(train), 1)).toEqual([-1, 0, 1, expect.closeTo(0.4, 6) as unknown as number]);
    expect(() => minMaxScale(train, { range: [1, 1] })).toThrow(ArgumentError);
  });
});

describe("imputeMean", () => {
  test("fills missing values with the training split's column means", async () => {
    const trainM = fromArrays([[1, NaN], [3, 4], [NaN, 8]], [0, 1, 0]);
    const testM = fromArrays([[NaN, NaN], [10, 10]], [1, 0]);
    const imputer = imputeMean(trainM);
    expect(Array.from(imputer.mean)).toEqual([2, 6]);
    const filled = imputer.apply(testM);
    expect(Array.from(filled.x)).toEqual([2, 6, 10, 10]);
    expect(filled.missing).toBe(0);
    const seen: number[] = [];
    for await (const batch of new DataLoader(imputer.apply(trainM), { batchSize: 3 })) {
      seen.push(...batch.x.dataSync());
      batch.dispose();
    }
    expect(seen).toEqual([1, 6, 3, 4, 2, 8]);
  });

  test("a column with no value at all cannot be fitted", () => {
    expect(() => imputeMean(fromArrays([[NaN], [NaN]], [0, 1]))).toThrow(/has no values in the training data/);
  });
});

describe("encoders", () => {
  test("oneHot turns class indices into one-hot label rows", () => {
    const data = oneHot(3).apply(fromArrays([[0.5], [1.5]], [2, 0]));
    expect(data.labelWidth).toBe(3);
    expect(Array.from(data.y)).toEqual([0, 0, 1, 1, 0, 0]);
    expect(Array.from(data.x)).toEqual([0.5, 1.5]);
  });

  test("oneHot on a feature column keeps the columns around it", () => {
    const data = oneHot(2, { target: "x", column: 1 }).apply(fromArrays([[7, 1, 9]], [0]));
    expect(Array.from(data.x)).toEqual([7, 0, 1, 9]);
  });

  test("oneHot refuses an index out of range, naming the sample", () => {
    expect(() => oneHot(2).apply(fromArrays([[0], [1]], [1, 2]))).toThrow("oneHot (dataset, sample 1): class index 2; expected an integer in [0, 2)");
    expect(() => oneHot(0)).toThrow(ArgumentError);
  });

  test("LabelEncoder numbers categories in order of first appearance, or sorted", () => {
    const enc = LabelEncoder.fit(["b", "a", "b", "c"]);
    expect(enc.classes).toEqual(["b", "a", "c"]);
    expect(enc.encodeAll(["a", "c"])).toEqual([1, 2]);
    expect(enc.decode(2)).toBe("c");
    expect(Array.from(enc.oneHot("a"))).toEqual([0, 1, 0]);
    expect(LabelEncoder.fit(["b", "a"], { order: "sorted" }).classes).toEqual(["a", "b"]);
    expect(() => enc.encode("z")).toThrow(DataError);
  });
});

describe("split", () => {
  const data = fromArrays(Array.from({ length: 100 }, (_, i) => [i]), Array.from({ length: 100 }, (_, i) => i));
  const ids = (d: InMemoryDataset): number[] => column(d, 0);

  test("cuts seeded train / validation / test splits that cover every sample once", () => {
    const { train: tr, validation, test } = split(data, { validation: 0.15, test: 0.2, seed: 7 });
    expect([tr.length, validation.length, test.length]).toEqual([65, 15, 20]);
    const all = [...ids(tr), ...ids(validation), ...ids(test)].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(ids(test)).not.toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
  });

  test("the same seed gives the same split, another seed another", () => {
    expect(ids(split(data, { test: 0.3, seed: 1 }).test)).toEqual(ids(split(data, { test: 0.3, seed: 1 }).test));
    expect(ids(split(data, { test: 0.3, seed: 2 }).test)).not.toEqual(ids(split(data, { test: 0.3, seed: 1 }).test));
  });

  test("shuffle: false keeps the order (time series)", () => {
    expect(ids(split(data, { test: 0.1, shuffle: false }).test)).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
  });

  test("refuses fractions that leave nothing to train on", () => {
    expect(() => split(data, { validation: 0.5, test: 0.5 })).toThrow(ArgumentError);
    expect(() => split(data, { test: -0.1 })).toThrow(ArgumentError);
  });
});
