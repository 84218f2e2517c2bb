import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, memory, setBackend, tensor, tidy } from "@neurite/tensor-core";
import { beforeAll, describe, expect, test } from "vitest";
import { fromArrays, fromTensors } from "./arrays.js";
import { courseNotesTable } from "./datasets/course-notes.js";
import type { Dataset } from "./dataset.js";
import { DataError } from "./errors.js";
import { fromIterable } from "./iterable.js";
import { DataLoader, type Batch } from "./loader.js";

beforeAll(async () => {
  await setBackend(cpu());
});

interface Seen {
  sizes: number[];
  x: number[][];
  y: number[][];
}

/** Runs batches to the end, reading every value and disposing every tensor. */
async function read(batches: AsyncIterable<Batch>): Promise<Seen> {
  const seen: Seen = { sizes: [], x: [], y: [] };
  for await (const batch of batches) {
    seen.sizes.push(batch.size);
    seen.x.push(...(batch.x.arraySync() as number[][]));
    seen.y.push(...(batch.y.arraySync() as number[][]));
    batch.dispose();
  }
  return seen;
}

/** n samples whose one feature is their index (and label twice it). */
const indexed = (n: number): Dataset => fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => [2 * i]));
/** The same samples as a stream. */
const streamed = (n: number): Dataset =>
  fromIterable(function* () {
    for (let i = 0; i < n; i++) yield { x: [i], y: [2 * i] };
  }, { blockSize: 64 });
const order = (seen: Seen): number[] => seen.x.map((r) => r[0]!);

describe("DataLoader batches: the three gradient-descent modes", () => {
  test("mini-batches: x [B, features], y [B, 1], in order without shuffling", async () => {
    const loader = new DataLoader(courseNotesTable(), { batchSize: 3 });
    expect(loader.length).toBe(3);
    const shapes: string[] = [];
    for await (const batch of loader) {
      shapes.push(`${batch.x.shape.join("x")} ${batch.y.shape.join("x")} ${batch.x.dtype}`);
      batch.dispose();
    }
    expect(shapes).toEqual(["3x3 3x1 float32", "3x3 3x1 float32", "2x3 2x1 float32"]);
    const seen = await read(loader);
    expect(seen.x[0]).toEqual([12, 6, Math.fround(0.78)]);
    expect(seen.y[7]).toEqual([Math.fround(0.97)]);
  });

  test("batchSize 1 is stochastic gradient descent: one sample per batch", async () => {
    const seen = await read(new DataLoader(courseNotesTable(), { batchSize: 1, shuffle: true, seed: 3 }));
    expect(seen.sizes).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
  });

  test('batchSize "all" is batch gradient descent: the whole set in one batch, in memory and streamed', async () => {
    const loader = new DataLoader(courseNotesTable(), { batchSize: "all" });
    expect(loader.length).toBe(1);
    expect((await read(loader)).sizes).toEqual([8]);
    const stream = await read(new DataLoader(streamed(300), { batchSize: "all", shuffle: true, seed: 1 }));
    expect(stream.sizes).toEqual([300]);
    expect([...order(stream)].sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  test("dropLast drops the last, smaller batch", async () => {
    const loader = new DataLoader(indexed(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect((await read(loader)).sizes).toEqual([4, 4]);
    expect((await read(new DataLoader(streamed(10), { batchSize: 4, dropLast: true }))).sizes).toEqual([4, 4]);
    expect((await read(new DataLoader(indexed(10), { batchSize: 4 }))).sizes).toEqual([4, 4, 2]);
  });

  test("labels and features stay paired", async () => {
    for (const data of [indexed(50), streamed(50)]) {
      const seen = await read(new DataLoader(data, { batchSize: 7, shuffle: true, seed: 9, shuffleBuffer: 10 }));
      seen.x.forEach((x, i) => expect(seen.y[i]).toEqual([2 * x[0]!]));
    }
  });
});

describe("DataLoader seeded shuffling", () => {
  for (const [kind, make] of [["in memory", indexed], ["streamed through a buffer", streamed]] as const) {
    test(`${kind}: every sample exactly once per epoch, a new order every epoch`, async () => {
      const loader = new DataLoader(make(500), { batchSize: 32, shuffle: true, seed: 11, shuffleBuffer: 100 });
      const epochs: number[][] = [];
      for (let e = 0; e < 3; e++) epochs.push(order(await read(loader)));
      for (const epoch of epochs) expect([...epoch].sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(epochs[0]).not.toEqual(Array.from({ length: 500 }, (_, i) => i));
      expect(epochs[1]).not.toEqual(epochs[0]);
      expect(epochs[2]).not.toEqual(epochs[1]);
    });

    test(`${kind}: the same seed gives the same orders, another seed other orders`, async () => {
      const run = async (seed: number): Promise<number[][]> => {
        const loader = new DataLoader(make(200), { batchSize: 16, shuffle: true, seed, shuffleBuffer: 50 });
        return [order(await read(loader)), order(await read(loader))];
      };
      expect(await run(5)).toEqual(await run(5));
      expect((await run(6))[0]).not.toEqual((await run(5))[0]);
    });
  }

  test("an epoch's order depends only on (seed, epoch): batches(e) and resuming with loader.epoch", async () => {
    const a = new DataLoader(indexed(40), { batchSize: 8, shuffle: true, seed: 2 });
    const orders = [order(await read(a)), order(await read(a)), order(await read(a))];
    expect(a.epoch).toBe(3);
    const b = new DataLoader(indexed(40), { batchSize: 8, shuffle: true, seed: 2 });
    expect(order(await read(b.batches(2)))).toEqual(orders[2]);
    expect(b.epoch).toBe(0);
    b.epoch = 1;
    expect(order(await read(b))).toEqual(orders[1]);
  });

  test("the in-memory order is pinned: a change of the permutation is a breaking change", async () => {
    const loader = new DataLoader(indexed(8), { batchSize: 8, shuffle: true, seed: 42 });
    expect(order(await read(loader))).toEqual([6, 7, 1, 3, 2, 5, 0, 4]);
  });

  test("a random seed is drawn when none is given, and exposed to repeat the run", async () => {
    const loader = new DataLoader(indexed(30), { batchSize: 30, shuffle: true });
    const again = new DataLoader(indexed(30), { batchSize: 30, shuffle: true, seed: loader.seed });
    expect(order(await read(loader))).toEqual(order(await read(again)));
  });
});

describe("DataLoader labels and shapes", () => {
  test('labels: "int32" gives class indices of shape [B]', async () => {
    const loader = new DataLoader(fromArrays([[1], [2], [3]], [2, 0, 1]), { batchSize: 3, labels: "int32" });
    for await (const batch of loader) {
      expect(batch.y.dtype).toBe("int32");
      expect(batch.y.shape).toEqual([3]);
      expect(batch.y.arraySync()).toEqual([2, 0, 1]);
      batch.dispose();
    }
  });

  test('labels: "int32" refuses fractional labels and wide labels', async () => {
    await expect(read(new DataLoader(fromArrays([[1]], [0.5]), { batchSize: 1, labels: "int32" }))).rejects.toThrow(DataError);
    await expect(read(new DataLoader(fromArrays([[1]], [[0, 1]]), { batchSize: 1, labels: "int32" }))).rejects.toThrow(ArgumentError);
  });

  test("features keep their per-sample shape (images)", async () => {
    const images = tensor(Array.from({ length: 5 * 4 }, (_, i) => i), { shape: [5, 2, 2, 1] });
    const loader = new DataLoader(await fromTensors(images, tensor([0, 1, 0, 1, 0])), { batchSize: 2 });
    images.dispose();
    for await (const batch of loader) {
      expect(batch.x.shape).toEqual([batch.size, 2, 2, 1]);
      batch.dispose();
    }
  });

  test("missing values are refused before training, in memory and in streams", async () => {
    await expect(read(new DataLoader(fromArrays([[1], [NaN]], [0, 1]), { batchSize: 1 }))).rejects.toThrow(/holds 1 missing values \(NaN\).*imputeMean/);
    const stream = fromIterable([{ x: [1], y: [0] }, { x: [NaN], y: [1] }]);
    await expect(read(new DataLoader(stream, { batchSize: 2 }))).rejects.toThrow(/missing value \(NaN\) in its features/);
  });

  test("a stream whose samples change width is refused", async () => {
    const stream = fromIterable(function* () {
      for (let i = 0; i < 100; i++) yield { x: i < 70 ? [i, i] : [i], y: [0] };
    }, { blockSize: 10 });
    await expect(read(new DataLoader(stream, { batchSize: 8 }))).rejects.toThrow(/sample has 1 features/);
  });
});

describe("DataLoader options", () => {
  test("a batch size of 0, NaN, a fraction, a negative or a string is an ArgumentError naming batchSize", () => {
    const data = indexed(4);
    for (const batchSize of [0, NaN, 1.5, -2, Infinity, "4" as unknown as number]) {
      expect(() => new DataLoader(data, { batchSize }), String(batchSize)).toThrow(ArgumentError);
    }
    expect(() => new DataLoader(data, { batchSize: 0 })).toThrow("DataLoader (argument 'batchSize'): expected a positive integer or \"all\", got 0");
    expect(() => new DataLoader(data, { batchSize: NaN })).toThrow("got NaN");
  });

  test("other bad options", () => {
    const data = indexed(4);
    expect(() => new DataLoader(data, { batchSize: 1, prefetch: -1 })).toThrow(/prefetch/);
    expect(() => new DataLoader(data, { batchSize: 1, shuffleBuffer: 0 })).toThrow(/shuffleBuffer/);
    expect(() => new DataLoader(data, { batchSize: 1, seed: 1.5 })).toThrow(/seed/);
    expect(() => new DataLoader(data, { batchSize: 1, labels: "int8" as "int32" })).toThrow(/labels/);
    expect(() => new DataLoader([] as unknown as Dataset, { batchSize: 1 })).toThrow(/expected a Dataset/);
    expect(() => new DataLoader(data, { batchSize: 1 }).batches(-1)).toThrow(/epoch/);
  });
});

describe("DataLoader memory and prefetch", () => {
  test("iterating and disposing every batch leaves no tensors behind; tidy frees them too", async () => {
    const before = memory().tensors;
    await read(new DataLoader(indexed(100), { batchSize: 9, shuffle: true, seed: 1 }));
    expect(memory().tensors).toBe(before);
    await tidy(async () => {
      for await (const batch of new DataLoader(indexed(20), { batchSize: 5 })) batch.x.add(1);
    });
    expect(memory().tensors).toBe(before);
  });

  test("breaking out early leaks no prefetched batch and closes the source", async () => {
    let closed = false;
    let pulled = 0;
    const data = fromIterable(function* () {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield { x: [i], y: [i] };
        }
      } finally {
        closed = true;
      }
    }, { blockSize: 5 });
    const before = memory().tensors;
    for await (const batch of new DataLoader(data, { batchSize: 10, prefetch: 3 })) {
      expect(memory().tensors).toBe(before + 2); // only the batch handed out has tensors
      batch.dispose();
      if (batch.index === 1) break;
    }
    expect(memory().tensors).toBe(before);
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(1000);
  });

  test("prefetch prepares a bounded number of batches ahead", async () => {
    for (const prefetch of [0, 2]) {
      let pulled = 0;
      const data = fromIterable(async function* () {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          await Promise.resolve();
          yield { x: [i], y: [i] };
        }
      }, { blockSize: 5 });
      const iterator = new DataLoader(data, { batchSize: 10, prefetch })[Symbol.asyncIterator]();
      const first = await iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 30));
      // The batch handed out plus `prefetch` more, give or take the block being read.
      expect(pulled).toBeGreaterThanOrEqual(10 * (1 + prefetch));
      expect(pulled).toBeLessThanOrEqual(10 * (1 + prefetch) + 5);
      if (first.done !== true) first.value.dispose();
      await iterator.return?.();
    }
  });

  test("an error in a prefetched batch surfaces when its turn comes, after the good batches", async () => {
    const data = fromIterable(function* () {
      for (let i = 0; i < 30; i++) yield { x: i === 25 ? [NaN] : [i], y: [i] };
    });
    const sizes: number[] = [];
    await expect((async () => {
      for await (const batch of new DataLoader(data, { batchSize: 10, prefetch: 2 })) {
        sizes.push(batch.size);
        batch.dispose();
      }
    })()).rejects.toThrow(/batch 2 holds a missing value/);
    expect(sizes).toEqual([10, 10]);
  });

  test("batches go to the backend given", async () => {
    const other = cpu();
    for await (const batch of new DataLoader(indexed(4), { batchSize: 4, backend: other })) {
      expect(batch.x.backend).toBe(other);
      batch.dispose();
    }
  });
});
