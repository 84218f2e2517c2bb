import { philoxUniform } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { harness } from "../testing/helpers.js";

describe("randomUniform", () => {
  it("equals philoxUniform bit for bit", () => {
    const { backend } = harness();
    for (const [key, offset, shape] of [
      [[12345, 678], 10, [3, 5]],
      [[0xffffffff, 0x80000000], 2 ** 32 - 1, [9]],
      [[0, 0], 0, [2, 2, 2]],
    ] as const) {
      const actual = backend.readSync!(backend.randomUniform(key, offset, { shape, dtype: "float32" }));
      const expected = philoxUniform(key, offset, shape.reduce((p, d) => p * d, 1));
      expect(actual).toBeInstanceOf(Float32Array);
      expect(new Uint32Array(actual.buffer)).toEqual(new Uint32Array(expected.buffer));
    }
  });

  it("starts the [0, 0] stream with the Random123 known answer (word 0x6627e8d5)", () => {
    const { backend, read } = harness();
    expect(read(backend.randomUniform([0, 0], 0, { shape: [1], dtype: "float32" }))).toEqual([0x6627e8 / 2 ** 24]);
  });

  it("gives float64 the very same values, all in [0, 1)", () => {
    const { backend, read } = harness();
    const f32 = read(backend.randomUniform([7, 1], 3, { shape: [1000], dtype: "float32" }));
    const f64 = read(backend.randomUniform([7, 1], 3, { shape: [1000], dtype: "float64" }));
    expect(f64).toEqual(f32);
    expect(f32.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it("continues the stream block by block: two draws of 4 equal one draw of 8", () => {
    const { backend, read } = harness();
    const whole = read(backend.randomUniform([5, 6], 100, { shape: [8], dtype: "float32" }));
    const first = read(backend.randomUniform([5, 6], 100, { shape: [4], dtype: "float32" }));
    const second = read(backend.randomUniform([5, 6], 101, { shape: [4], dtype: "float32" }));
    expect([...first, ...second]).toEqual(whole);
    expect(read(backend.randomUniform([5, 6], 100, { shape: [0], dtype: "float32" }))).toEqual([]);
  });
});
