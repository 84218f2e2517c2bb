import { describe, expect, test } from "vitest";
import { parseNumber, parseNumberString } from "./number.js";

describe("parseNumber", () => {
  test("reads decimal numbers exactly as Number() does", () => {
    const samples = ["0", "1", "-1", "+2", "3.25", "-0.5", ".5", "5.", "1e3", "1E-3", "-2.5e+2", "123456789012345", "0.1", "0.7", "93", "6.5", "1234567890123456789", "3.4028234e38", "1e-30", "0.000000000000000000001", "  42  ", "\t7"];
    for (const s of samples) expect(parseNumberString(s), s).toBe(Number(s));
  });

  test("matches Number() on many random decimals", () => {
    let seed = 1;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 5000; i++) {
      const v = (next() - 0.5) * 10 ** Math.floor(next() * 12 - 6);
      const s = i % 3 === 0 ? v.toExponential(Math.floor(next() * 10)) : v.toFixed(Math.floor(next() * 12));
      expect(parseNumberString(s), s).toBe(Number(s));
    }
  });

  test("reads a trailing % as hundredths", () => {
    expect(parseNumberString("78%")).toBe(0.78);
    expect(parseNumberString("100%")).toBe(1);
    expect(parseNumberString("-12.5%")).toBe(-0.125);
  });

  test("refuses what is not a plain decimal number", () => {
    for (const s of ["", " ", "-", ".", "abc", "1,5", "0x1A", "Infinity", "NaN", "1e", "1e+", "12abc", "1 2", "--1", "%", "1%%", "e5"]) {
      expect(parseNumberString(s), JSON.stringify(s)).toBeNaN();
    }
  });

  test("reads a field in the middle of a buffer without reading past its end", () => {
    const bytes = new TextEncoder().encode("12,-3.5,7");
    expect(parseNumber(bytes, 0, 2)).toBe(12);
    expect(parseNumber(bytes, 3, 7)).toBe(-3.5);
    expect(parseNumber(bytes, 8, 9)).toBe(7);
    expect(parseNumber(bytes, 2, 2)).toBeNaN();
  });
});
