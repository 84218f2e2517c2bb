import { describe, expect, it } from "vitest";
import { decodeDigits, encodeDigits, PIXELS } from "./format.js";

describe("the MNIST asset format", () => {
  it("round-trips labels and pixels to within one 255th", () => {
    const pixels = Float32Array.from({ length: 3 * PIXELS }, (_, i) => (i % 97) / 96);
    const { labels, pixels: back } = decodeDigits(encodeDigits([7, 0, 9], pixels));
    expect(Array.from(labels)).toEqual([7, 0, 9]);
    expect(back).toHaveLength(3 * PIXELS);
    expect(Math.max(...back.map((v, i) => Math.abs(v - pixels[i]!)))).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });

  it("refuses bytes that are not the asset, saying where", () => {
    const bytes = encodeDigits([1, 2], new Float32Array(2 * PIXELS));
    expect(() => decodeDigits(bytes.subarray(0, bytes.length - 1))).toThrow(`2 images need ${bytes.length} bytes, the file has ${bytes.length - 1}`);
    const wrongMagic = bytes.slice();
    wrongMagic[0] = 0x3c; // "<", as an HTML error page would begin
    expect(() => decodeDigits(wrongMagic)).toThrow('expected the magic "NDG1" at byte 0');
    const badLabel = bytes.slice();
    badLabel[9] = 12;
    expect(() => decodeDigits(badLabel)).toThrow("label 12 at byte 9 is not a digit");
  });
});
