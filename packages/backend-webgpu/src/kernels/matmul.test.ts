import type { FusedActivation } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { EXACT, sharedPair, randomInts, randomValues, seeded, sizeOf, TRANSCENDENTAL, type Input } from "../testing/harness.js";

const pair = sharedPair();

const ACCUMULATE = { atol: 1e-4, rtol: 1e-4 };
const rand = seeded(21);

/** An operand `[...batch, rows, cols]`, stored transposed (`[..., cols, rows]`) when asked. */
function operand(batch: readonly number[], rows: number, cols: number, transposed: boolean, dtype: "float32" | "int32" = "float32"): Input {
  const shape = transposed ? [...batch, cols, rows] : [...batch, rows, cols];
  const n = sizeOf(shape);
  return dtype === "int32" ? { values: randomInts(rand, n, -50, 50), shape, dtype } : { values: randomValues(rand, n), shape };
}

describe("matmul", () => {
  it("multiplies non-square matrices in all four transpose variants", async () => {
    for (const [m, k, n] of [
      [3, 5, 7],
      [17, 33, 9],
      [1, 40, 1],
      [70, 20, 90],
    ] as const) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const a = operand([], m, k, ta);
          const b = operand([], k, n, tb);
          await (await pair()).compare([a, b], (be, [x, y]) => be.matmul(x!, y!, ta, tb, { shape: [m, n], dtype: "float32" }), ACCUMULATE, `${m}x${k}x${n} ${ta} ${tb}`);
        }
      }
    }
  });

  it("uses the 64×64 tiles on larger products", async () => {
    const a = operand([], 130, 100, false);
    const b = operand([], 100, 150, true);
    await (await pair()).compare([a, b], (be, [x, y]) => be.matmul(x!, y!, false, true, { shape: [130, 150], dtype: "float32" }), ACCUMULATE);
  });

  it("broadcasts batch dims", async () => {
    const a = operand([2, 1, 3], 4, 5, false);
    const b = operand([4, 1], 5, 6, true);
    await (await pair()).compare([a, b], (be, [x, y]) => be.matmul(x!, y!, false, true, { shape: [2, 4, 3, 4, 6], dtype: "float32" }), ACCUMULATE);
    const c = operand([], 4, 5, true);
    const d = operand([3], 5, 2, false);
    await (await pair()).compare([c, d], (be, [x, y]) => be.matmul(x!, y!, true, false, { shape: [3, 4, 2], dtype: "float32" }), ACCUMULATE);
  });

  it("wraps int32 products exactly", async () => {
    const a = operand([2], 9, 13, false, "int32");
    const b = operand([2], 13, 11, false, "int32");
    await (await pair()).compare([a, b], (be, [x, y]) => be.matmul(x!, y!, false, false, { shape: [2, 9, 11], dtype: "int32" }), EXACT);
    const big: Input = { values: [65536, 65536, 3, 1], shape: [2, 2], dtype: "int32" };
    const got = await (await pair()).compare([big, big], (be, [x, y]) => be.matmul(x!, y!, false, false, { shape: [2, 2], dtype: "int32" }), EXACT);
    expect(got[0]).toBe(Math.imul(65536, 65536) + Math.imul(65536, 3));
  });

  it("handles k = 0 (zeros) and empty results", async () => {
    const got = await (await pair()).compare(
      [
        { values: [], shape: [2, 0] },
        { values: [], shape: [0, 3] },
      ],
      (be, [x, y]) => be.matmul(x!, y!, false, false, { shape: [2, 3], dtype: "float32" }),
    );
    expect(got).toEqual([0, 0, 0, 0, 0, 0]);
    expect(
      await (await pair()).compare(
        [
          { values: [], shape: [0, 4] },
          { values: randomValues(rand, 12), shape: [4, 3] },
        ],
        (be, [x, y]) => be.matmul(x!, y!, false, false, { shape: [0, 3], dtype: "float32" }),
      ),
    ).toEqual([]);
  });
});

describe("fused kernels", () => {
  const activations: FusedActivation[] = ["linear", "relu", "sigmoid", "tanh"];

  it("matmulBiasActivation matches backend-cpu for every activation and bias shape", async () => {
    const x = operand([], 6, 10, false);
    const w = operand([], 10, 70, false);
    for (const activation of activations) {
      for (const bias of [null, { values: randomValues(rand, 70), shape: [70] }, { values: randomValues(rand, 6), shape: [6, 1] }] as const) {
        const inputs = bias === null ? [x, w] : [x, w, bias];
        const tol = activation === "linear" || activation === "relu" ? ACCUMULATE : TRANSCENDENTAL;
        await (await pair()).compare(
          inputs,
          (be, [a, b, c]) => be.fused!.matmulBiasActivation!(a!, b!, c ?? null, activation, false, false, { shape: [6, 70], dtype: "float32" }),
          tol,
          `${activation} bias ${bias === null ? "none" : bias.shape.join("x")}`,
        );
      }
    }
  });

  it("matmulBiasActivation handles transposes, batches and a bias that enlarges the result", async () => {
    const a = operand([2], 5, 8, true);
    const b = operand([], 8, 3, true);
    const bias: Input = { values: randomValues(rand, 6), shape: [2, 1, 3] };
    await (await pair()).compare([a, b, bias], (be, [x, y, z]) => be.fused!.matmulBiasActivation!(x!, y!, z!, "relu", true, true, { shape: [2, 5, 3], dtype: "float32" }), ACCUMULATE);
    // [5, 3] product + [4, 1, 3] bias → [4, 5, 3].
    const c = operand([], 5, 8, false);
    const big: Input = { values: randomValues(rand, 12), shape: [4, 1, 3] };
    await (await pair()).compare([c, b, big], (be, [x, y, z]) => be.fused!.matmulBiasActivation!(x!, y!, z!, "tanh", false, true, { shape: [4, 5, 3], dtype: "float32" }), TRANSCENDENTAL);
  });

  it("softmax along the last axis, rows short and long, with a NaN row", async () => {
    for (const shape of [[3, 5], [2, 300], [7], [4, 1]]) {
      const values = randomValues(rand, sizeOf(shape), -30, 30);
      await (await pair()).compare([{ values, shape }], (be, [x]) => be.fused!.softmax!(x!, { shape, dtype: "float32" }), TRANSCENDENTAL, `softmax [${shape.join(",")}]`);
    }
    await (await pair()).compare([{ values: [1, NaN, 2, 1000, 1000, -Infinity], shape: [2, 3] }], (be, [x]) => be.fused!.softmax!(x!, { shape: [2, 3], dtype: "float32" }), TRANSCENDENTAL);
  });
});
