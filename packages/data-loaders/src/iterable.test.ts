import { describe, expect, test } from "vitest";
import { DataError } from "./errors.js";
import { fromIterable } from "./iterable.js";

describe("fromIterable", () => {
  test("reads an array of samples, a generator function, and an async generator function", async () => {
    const want = (await fromIterable([{ x: [1, 2], y: 0 }, { x: [3, 4], y: 1 }]).collect()).x;
    expect(Array.from(want)).toEqual([1, 2, 3, 4]);
    const gen = fromIterable(function* () {
      for (let i = 0; i < 3; i++) yield { x: i, y: [i * 2] };
    });
    expect(Array.from((await gen.collect()).y)).toEqual([0, 2, 4]);
    const asyncGen = fromIterable(async function* () {
      for (let i = 0; i < 3; i++) {
        await Promise.resolve();
        yield { x: [i], y: [i] };
      }
    });
    expect((await asyncGen.collect()).length).toBe(3);
    expect((await asyncGen.collect()).length).toBe(3); // a function is called again on every pass
  });

  test("splits long iterables into blocks", async () => {
    const data = fromIterable(function* () {
      for (let i = 0; i < 2500; i++) yield { x: [i], y: [0] };
    }, { blockSize: 1000 });
    const counts: number[] = [];
    for await (const block of data.blocks()) counts.push(block.count);
    expect(counts).toEqual([1000, 1000, 500]);
  });

  test("a generator object can be read once", async () => {
    function* samples(): Generator<{ x: number; y: number }> {
      yield { x: 1, y: 1 };
    }
    const data = fromIterable(samples());
    expect((await data.collect()).length).toBe(1);
    const error: unknown = await data.collect().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe("consumed");
    expect((error as DataError).message).toContain("pass a function that returns a fresh iterator");
  });

  test("refuses a sample of another width, naming it", async () => {
    const data = fromIterable([{ x: [1, 2], y: 0 }, { x: [1, 2], y: 0 }, { x: [3], y: 1 }], { name: "points" });
    await expect(data.collect()).rejects.toThrow("fromIterable (points, sample 2): sample has 1 features and 1 label values; expected 2 and 1, as the first sample");
  });

  test("refuses something that is not a sample", async () => {
    const data = fromIterable([5 as unknown as { x: number }]);
    await expect(data.collect()).rejects.toThrow(/got number; expected a sample/);
  });
});
