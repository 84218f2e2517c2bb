import { describe, expect, test } from "vitest";
import type { InMemoryDataset } from "../dataset.js";
import { courseNotesTable } from "./course-notes.js";
import { circles, spirals, twoMoons } from "./synthetic.js";
import { xor } from "./xor.js";

const points = (d: InMemoryDataset): [number, number, number][] => Array.from({ length: d.length }, (_, i) => [d.x[2 * i]!, d.x[2 * i + 1]!, d.y[i]!]);

describe("built-in datasets", () => {
  test("courseNotesTable holds the notes' 8 rows, quiz and exam as fractions", () => {
    const data = courseNotesTable();
    expect([data.length, data.featureWidth, data.labelWidth]).toEqual([8, 3, 1]);
    expect(data.featureNames).toEqual(["study hours", "sleep hours", "quiz"]);
    expect(Array.from(data.get(2).x)).toEqual([115, 4, 1]);
    expect(Array.from(data.get(0).x)).toEqual([12, 6, Math.fround(0.78)]);
    expect(Array.from(data.y)).toEqual([0.93, 0.68, 0.95, 0.75, 0.51, 0.6, 0.89, 0.97].map(Math.fround));
  });

  test("xor labels 1 where exactly one input is 1", () => {
    const data = xor();
    expect(Array.from({ length: 4 }, (_, i) => [...data.get(i).x, ...data.get(i).y])).toEqual([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]]);
  });

  test("twoMoons without noise lies on its two half circles", () => {
    const pts = points(twoMoons({ n: 100, noise: 0 }));
    for (const [a, b, label] of pts) {
      if (label === 0) expect(Math.hypot(a, b)).toBeCloseTo(1, 5);
      else expect(Math.hypot(a - 1, b - 0.5)).toBeCloseTo(1, 5);
    }
    expect(pts.filter((p) => p[2] === 1)).toHaveLength(50);
  });

  test("circles without noise lies on radius 1 and radius factor", () => {
    for (const [a, b, label] of points(circles({ n: 60, noise: 0, factor: 0.3 }))) {
      expect(Math.hypot(a, b)).toBeCloseTo(label === 0 ? 1 : 0.3, 5);
    }
  });

  test("spirals gives one arm per class, radius growing along each arm", () => {
    const data = spirals({ n: 90, classes: 3, noise: 0 });
    const pts = points(data);
    expect(new Set(pts.map((p) => p[2]))).toEqual(new Set([0, 1, 2]));
    const arm = pts.filter((p) => p[2] === 1).map(([a, b]) => Math.hypot(a, b));
    expect(arm[0]).toBeCloseTo(0, 6);
    expect(arm.at(-1)).toBeCloseTo(1, 5);
    for (let i = 1; i < arm.length; i++) expect(arm[i]!).toBeGreaterThan(arm[i - 1]!);
  });

  test("the generators are seeded: same seed same points, another seed other noise", () => {
    for (const make of [twoMoons, circles, spirals]) {
      expect(Array.from(make({ n: 50, noise: 0.1, seed: 3 }).x)).toEqual(Array.from(make({ n: 50, noise: 0.1, seed: 3 }).x));
      expect(Array.from(make({ n: 50, noise: 0.1, seed: 4 }).x)).not.toEqual(Array.from(make({ n: 50, noise: 0.1, seed: 3 }).x));
    }
  });

  test("noise has the standard deviation asked for", () => {
    const clean = twoMoons({ n: 4000, noise: 0 }).x;
    const noisy = twoMoons({ n: 4000, noise: 0.2, seed: 1 }).x;
    const d = Array.from(noisy, (v, i) => v - clean[i]!);
    const sd = Math.sqrt(d.reduce((a, v) => a + v * v, 0) / d.length);
    expect(sd).toBeCloseTo(0.2, 2);
  });

  test("bad options are refused", () => {
    expect(() => twoMoons({ n: 0 })).toThrow(/expected a positive integer/);
    expect(() => circles({ factor: 1 })).toThrow(/factor/);
    expect(() => spirals({ noise: -1 })).toThrow(/noise/);
    expect(() => spirals({ seed: -1 })).toThrow(/seed/);
  });
});
