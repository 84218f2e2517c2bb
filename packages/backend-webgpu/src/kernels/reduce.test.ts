import { reduceOps, type DType, type ReduceOp } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { EXACT, FLOAT, sharedPair, randomInts, randomValues, seeded, sizeOf, type Input } from "../testing/harness.js";

const pair = sharedPair();

/** Float sums are compared relative to the sum of magnitudes, like the conformance kit's "accumulate". */
const ACCUMULATE = { atol: 1e-4, rtol: 1e-4 };

function outShape(shape: readonly number[], axes: readonly number[]): number[] {
  return shape.filter((_, d) => !axes.includes(d));
}

async function compareReduce(op: ReduceOp, x: Input, axes: number[], label: string): Promise<number[]> {
  const dtype = x.dtype ?? "float32";
  const tol = dtype !== "float32" ? EXACT : op === "sum" || op === "prod" ? ACCUMULATE : FLOAT;
  return (await pair()).compare([x], (b, [t]) => b.reduce(op, t!, axes, { shape: outShape(x.shape, axes), dtype }), tol, `${op} ${label}`);
}

describe("reduce", () => {
  const rand = seeded(11);
  const shape = [3, 4, 5];
  const values = randomValues(rand, sizeOf(shape), 0.5, 1.5);
  const axesCases = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2], []];
  for (const op of Object.keys(reduceOps) as ReduceOp[]) {
    it(`${op} over every axis combination of [3, 4, 5] (float32 and int32)`, async () => {
      for (const axes of axesCases) {
        await compareReduce(op, { values, shape }, axes, `f32 [${axes.join(",")}]`);
        const ints = randomInts(rand, sizeOf(shape), op === "prod" ? -3 : -1000, op === "prod" ? 4 : 1000);
        await compareReduce(op, { values: ints, shape, dtype: "int32" }, axes, `i32 [${axes.join(",")}]`);
      }
    });
  }

  it("max and min of bool are any and all", async () => {
    const x: Input = { values: [0, 0, 1, 1, 1, 1, 0, 0, 0], shape: [3, 3], dtype: "bool" };
    expect(await compareReduce("max", x, [1], "any")).toEqual([1, 1, 0]);
    expect(await compareReduce("min", x, [1], "all")).toEqual([0, 1, 0]);
    expect(await compareReduce("max", x, [0], "any cols")).toEqual([1, 1, 1]);
  });

  it("wraps int32 sums and products", async () => {
    const x: Input = { values: [2147483647, 1, 65536, 65536, 46341, 46341], shape: [3, 2], dtype: "int32" };
    expect(await compareReduce("sum", x, [1], "wrap")).toEqual([-2147483648, 131072, 92682]);
    expect(await compareReduce("prod", x, [1], "wrap")).toEqual([2147483647, 0, -2147479015]);
  });

  it("propagates NaN through max and min, and reduces infinities", async () => {
    const x: Input = { values: [1, NaN, 3, -Infinity, 2, 1, Infinity, 0], shape: [2, 4] };
    await compareReduce("max", x, [1], "nan");
    await compareReduce("min", x, [1], "nan");
    await compareReduce("sum", x, [0], "inf");
  });

  it("gives the identity for reductions of zero elements, and empty outputs", async () => {
    for (const op of Object.keys(reduceOps) as ReduceOp[]) {
      for (const dtype of ["float32", "int32"] as DType[]) {
        await compareReduce(op, { values: [], shape: [2, 0, 3], dtype }, [1], `empty ${dtype}`);
      }
    }
    expect(await compareReduce("sum", { values: [], shape: [0, 3] }, [1], "no outputs")).toEqual([]);
  });

  it("runs long reductions as workgroup trees, in one and in two passes", async () => {
    // 50 outputs of 3000: one tree workgroup each; 1 output of 300 000: chunked, then a second pass.
    for (const [rows, cols] of [
      [50, 3000],
      [1, 300_000],
      [3, 100_001],
    ] as const) {
      const x: Input = { values: randomValues(rand, rows * cols), shape: [rows, cols] };
      for (const op of ["sum", "max", "min"] as const) await compareReduce(op, x, [1], `[${rows}, ${cols}]`);
      const xi: Input = { values: randomInts(rand, rows * cols, -5, 6), shape: [rows, cols], dtype: "int32" };
      await compareReduce("sum", xi, [1], `int [${rows}, ${cols}]`);
    }
    // Reducing a leading axis with few outputs: the tree walks strided elements.
    const col: Input = { values: randomValues(rand, 4000 * 3), shape: [4000, 3] };
    await compareReduce("sum", col, [0], "columns");
    // Many columns of many rows: one invocation per column, neighbours reading neighbouring addresses.
    const wide: Input = { values: randomValues(rand, 100 * 300), shape: [100, 300] };
    await compareReduce("sum", wide, [0], "wide columns");
    await compareReduce("min", wide, [0], "wide columns");
    // A reduction over non-adjacent axes with the tree.
    const mid: Input = { values: randomValues(rand, 20 * 2 * 30 * 3), shape: [20, 2, 30, 3] };
    await compareReduce("max", mid, [0, 2], "axes 0, 2");
  });
});

describe("argReduce", () => {
  const rand = seeded(12);
  it("finds the first extreme along each axis, float32 and int32", async () => {
    const shape = [4, 5, 6];
    const floats = randomInts(rand, 120, 0, 5).map((v) => v / 2);
    const ints = randomInts(rand, 120, -3, 3);
    for (const op of ["argmax", "argmin"] as const) {
      for (const axis of [0, 1, 2]) {
        const out = { shape: shape.filter((_, d) => d !== axis), dtype: "int32" } as const;
        await (await pair()).compare([{ values: floats, shape }], (b, [x]) => b.argReduce(op, x!, axis, out), EXACT, `${op} f32 axis ${axis}`);
        await (await pair()).compare([{ values: ints, shape, dtype: "int32" }], (b, [x]) => b.argReduce(op, x!, axis, out), EXACT, `${op} i32 axis ${axis}`);
      }
    }
  });

  it("counts the first NaN as the extreme and keeps the first of ties", async () => {
    const x: Input = { values: [1, 5, 5, 2, 3, NaN, 7, NaN, 0, 0, 0, 0], shape: [3, 4] };
    const out = { shape: [3], dtype: "int32" } as const;
    expect(await (await pair()).compare([x], (b, [t]) => b.argReduce("argmax", t!, 1, out), EXACT)).toEqual([1, 1, 0]);
    expect(await (await pair()).compare([x], (b, [t]) => b.argReduce("argmin", t!, 1, out), EXACT)).toEqual([0, 1, 0]);
  });

  it("runs long axes as trees with the same first-index rule", async () => {
    const n = 5000;
    const values = randomInts(rand, 3 * n, 0, 50);
    values[2 * n + 4000] = NaN;
    values[2 * n + 4500] = NaN;
    const out = { shape: [3], dtype: "int32" } as const;
    for (const op of ["argmax", "argmin"] as const) {
      await (await pair()).compare([{ values, shape: [3, n] }], (b, [t]) => b.argReduce(op, t!, 1, out), EXACT, op);
    }
  });

  it("rejects an axis of size 0 with outputs to fill", async () => {
    const { gpu } = await pair();
    const x = { data: gpu.upload(new Float32Array(0), "float32"), shape: [2, 0], dtype: "float32" } as const;
    expect(() => gpu.argReduce("argmax", x, 1, { shape: [2], dtype: "int32" })).toThrow(/axis 1 of size 0/);
    gpu.disposeData(x.data);
  });
});
