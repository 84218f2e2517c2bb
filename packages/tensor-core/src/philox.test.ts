import { describe, expect, it } from "vitest";
import { philox4x32, philoxUniform, seedToKey } from "./philox.js";

const hex = (words: number[]) => words.map((w) => w.toString(16).padStart(8, "0"));

describe("philox4x32-10", () => {
  // Known-answer vectors published with the Random123 library (kat_vectors, philox4x32 10 rounds).
  it("matches the published known-answer vectors", () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(["6627e8d5", "e169c58d", "bc57ac4c", "9b00dbd8"]);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual([
      "408f276d",
      "41c83b0e",
      "a20bc7c6",
      "6d5451fd",
    ]);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual([
      "d16cfe09",
      "94fdcceb",
      "5001e420",
      "24126ea1",
    ]);
  });

  it("splits a seed into a two-word key", () => {
    expect(seedToKey(7)).toEqual([7, 0]);
    expect(seedToKey(2 ** 32 + 5)).toEqual([5, 1]);
  });

  it("maps words to float32-exact uniforms in [0, 1) and continues across offsets", () => {
    const key = seedToKey(42);
    const all = philoxUniform(key, 0, 12);
    const tail = philoxUniform(key, 1, 8);
    expect([...tail]).toEqual([...all.slice(4)]);
    const first = philox4x32([0, 0, 0, 0], key);
    expect(all[0]).toBe((first[0] >>> 8) / 2 ** 24);
    for (const v of all) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });
});
