import { cpu } from "@neurite/backend-cpu";
import { setBackend, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, test } from "vitest";
import { fromArrays, fromTensors } from "./arrays.js";
import { InMemoryDataset } from "./dataset.js";
import { DataError } from "./errors.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const all = (data: InMemoryDataset): { x: number[]; y: number[] }[] =>
  Array.from({ length: data.length }, (_, i) => ({ x: Array.from(data.get(i).x), y: Array.from(data.get(i).y) }));

describe("fromArrays", () => {
  test("keeps rows of features and labels as float32", () => {
    const data = fromArrays([[1, 2], [3, 4], [5, 6]], [0, 1, 1]);
    expect([data.length, data.featureWidth, data.labelWidth]).toEqual([3, 2, 1]);
    expect(data.x).toBeInstanceOf(Float32Array);
    expect(all(data)).toEqual([{ x: [1, 2], y: [0] }, { x: [3, 4], y: [1] }, { x: [5, 6], y: [1] }]);
  });

  test("accepts one number per row, typed-array rows, several labels, and no labels", () => {
    expect(all(fromArrays([1, 2], [[0, 1], [1, 0]]))).toEqual([{ x: [1], y: [0, 1] }, { x: [2], y: [1, 0] }]);
    expect(all(fromArrays([Float32Array.of(1, 2)], [3]))).toEqual([{ x: [1, 2], y: [3] }]);
    const unlabelled = fromArrays([[1], [2]]);
    expect(unlabelled.labelWidth).toBe(0);
  });

  test("refuses features and labels of different lengths", () => {
    expect(() => fromArrays([[1], [2], [3]], [1, 2])).toThrow(DataError);
    try {
      fromArrays([[1], [2], [3]], [1, 2]);
    } catch (e) {
      expect((e as DataError).reason).toBe("length-mismatch");
      expect((e as DataError).message).toBe("fromArrays (arrays): features have 3 rows but labels have 2; expected one label row per feature row");
    }
  });

  test("refuses a ragged row and a value that is not a number, naming the sample", () => {
    expect(() => fromArrays([[1, 2], [3]], [0, 1])).toThrow("fromArrays (arrays, sample 1): sample has 1 features and 1 label values; expected 2 and 1, as the first sample");
    expect(() => fromArrays([[1, 2], [3, "x" as unknown as number]], [0, 1])).toThrow('fromArrays (arrays, sample 1): x[1] is "x"; expected a number');
  });

  test("counts NaN as missing", () => {
    expect(fromArrays([[1, NaN], [NaN, 2]], [0, 1]).missing).toBe(2);
  });
});

describe("fromTensors", () => {
  test("reads tensors and keeps the per-sample feature shape", async () => {
    const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]);
    const y = tensor([0, 1], { dtype: "int32" });
    const data = await fromTensors(x, y);
    expect([data.length, data.featureWidth, data.labelWidth]).toEqual([2, 4, 1]);
    expect(data.featureShape).toEqual([2, 2]);
    expect(all(data)[1]).toEqual({ x: [5, 6, 7, 8], y: [1] });
    x.dispose();
    y.dispose();
  });

  test("refuses features and labels of different lengths", async () => {
    const error: unknown = await fromTensors(tensor([[1], [2]]), tensor([1, 2, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe("length-mismatch");
    expect((error as DataError).message).toContain("features have 2 samples (shape [2, 1]) but labels have shape [3]");
  });
});

describe("InMemoryDataset", () => {
  const data = fromArrays([[0], [1], [2], [3], [4]], [10, 11, 12, 13, 14], { name: "five", featureNames: ["v"], labelNames: ["t"] });

  test("selects, slices, maps and filters, keeping names where widths stay", () => {
    expect(all(data.select([4, 0]))).toEqual([{ x: [4], y: [14] }, { x: [0], y: [10] }]);
    expect(all(data.slice(1, 3)).map((r) => r.x[0])).toEqual([1, 2]);
    expect(data.slice(1, 3).featureNames).toEqual(["v"]);
    const mapped = data.map(({ x, y }) => ({ x: [x[0]!, x[0]! ** 2], y }));
    expect(mapped).toBeInstanceOf(InMemoryDataset);
    expect(all(mapped)[3]).toEqual({ x: [3, 9], y: [13] });
    expect(all(data.filter(({ x }) => x[0]! % 2 === 0)).map((r) => r.x[0])).toEqual([0, 2, 4]);
  });

  test("get() refuses an index outside the dataset", () => {
    expect(() => data.get(5)).toThrow(/expected an integer in \[0, 5\)/);
  });

  test("is async-iterable sample by sample", async () => {
    const seen: number[] = [];
    for await (const { x } of data) seen.push(x[0]!);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  test("checks that its arrays fit its widths", () => {
    expect(() => new InMemoryDataset({ length: 2, featureWidth: 2, labelWidth: 1, x: new Float32Array(3), y: new Float32Array(2) })).toThrow(/expected 2×2 feature values/);
    expect(() => new InMemoryDataset({ length: 1, featureWidth: 4, labelWidth: 0, x: new Float32Array(4), y: new Float32Array(0), featureShape: [3] })).toThrow(/featureShape/);
  });
});
