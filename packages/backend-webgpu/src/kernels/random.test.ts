import { philoxUniform, seedToKey } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { sharedGpu } from "../testing/harness.js";

const backend = sharedGpu();

async function draw(key: readonly [number, number], offset: number, count: number): Promise<Float32Array> {
  const gpu = await backend();
  const data = gpu.randomUniform(key, offset, { shape: [count], dtype: "float32" });
  const values = (await gpu.read(data)) as Float32Array;
  gpu.disposeData(data);
  return values;
}

describe("randomUniform", () => {
  it("reproduces tensor-core's Philox stream bit for bit", async () => {
    for (const [seed, offset, count] of [
      [0, 0, 1],
      [42, 0, 1000],
      [2 ** 40 + 12345, 7, 1023],
      [123456789, 2 ** 32 - 3, 64],
      [99, 2 ** 45 + 5, 37],
    ] as const) {
      const key = seedToKey(seed);
      const got = await draw(key, offset, count);
      const expected = philoxUniform(key, offset, count);
      expect(Array.from(got), `seed ${seed} offset ${offset}`).toEqual(Array.from(expected));
    }
  });

  it("gives an empty tensor for a zero-size draw", async () => {
    expect((await draw([1, 2], 0, 0)).length).toBe(0);
  });
});
