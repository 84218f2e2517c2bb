// The pieces of the sample runtime that run the same in Node: compiling a sample, and formatting output.
import { describe, expect, it } from "vitest";
import { compileSample } from "../runtime/compile.js";
import { formatNumber, points } from "../runtime/output.js";

describe("compileSample", () => {
  it("strips types, answers imports from the module table, and awaits top-level await", async () => {
    const seen: unknown[] = [];
    const run = compileSample(`import { record } from "table";\nconst x: number = await Promise.resolve(2);\nrecord(x * 21);`);
    await run((specifier) => {
      expect(specifier).toBe("table");
      return { record: (v: unknown) => seen.push(v) };
    });
    expect(seen).toEqual([42]);
  });

  it("a syntax error names the line", () => {
    expect(() => compileSample("const x = ;\n", "broken.ts")).toThrow(/1:1[0-1]|\(1:/);
  });

  it("an error thrown by the sample rejects the run", async () => {
    const run = compileSample(`throw new RangeError("too far");`);
    await expect(run(() => ({}))).rejects.toThrow(RangeError);
  });
});

describe("output formatting", () => {
  it("numbers get up to 4 significant digits, -0 shows as 0", () => {
    expect(formatNumber(0.123456)).toBe("0.1235");
    expect(formatNumber(-0)).toBe("0");
    expect(formatNumber(12)).toBe("12");
    expect(formatNumber(1.5e-7)).toBe("1.500e-7");
    expect(formatNumber(Number.NaN)).toBe("NaN");
  });

  it("points pairs xs with ys", () => {
    expect(points([0, 1, 2], [5, 3])).toEqual([{ x: 0, y: 5 }, { x: 1, y: 3 }]);
  });
});
