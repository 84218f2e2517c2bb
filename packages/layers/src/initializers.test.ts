import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, setBackend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { init } from "./index.js";
import { values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

function moments(xs: number[]): { mean: number; std: number; min: number; max: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs) };
}

describe("initializers", () => {
  const context = { fanIn: 400, fanOut: 100, seed: 3 };
  const shape = [400, 100];

  it("zeros, ones and constant fill", () => {
    expect(values(init.zeros()([2, 2], context))).toEqual([0, 0, 0, 0]);
    expect(values(init.ones()([3], context))).toEqual([1, 1, 1]);
    expect(values(init.constant(0.5)([2], { ...context, dtype: "float64" }))).toEqual([0.5, 0.5]);
  });

  it("normal(σ) draws N(0, σ²): small numbers close to 0 but not 0", () => {
    const m = moments(values(init.normal(0.01)(shape, context)));
    expect(Math.abs(m.mean)).toBeLessThan(0.001);
    expect(m.std).toBeCloseTo(0.01, 3);
    expect(values(init.normal()([1000], context)).includes(0)).toBe(false);
  });

  it("uniform draws in [−limit, limit) or [min, max)", () => {
    const m = moments(values(init.uniform(0.1)(shape, context)));
    expect(m.min).toBeGreaterThanOrEqual(-0.1);
    expect(m.max).toBeLessThan(0.1);
    expect(m.std).toBeCloseTo(0.2 / Math.sqrt(12), 3);
    const n = moments(values(init.uniform(2, 3)([1000], context)));
    expect(n.min).toBeGreaterThanOrEqual(2);
    expect(n.max).toBeLessThan(3);
  });

  it("Glorot and He scale with the fans", () => {
    const glorotLimit = Math.sqrt(6 / 500);
    const gu = moments(values(init.glorotUniform()(shape, context)));
    expect(gu.max).toBeLessThanOrEqual(glorotLimit);
    expect(gu.min).toBeGreaterThanOrEqual(-glorotLimit);
    expect(gu.std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    expect(moments(values(init.glorotNormal()(shape, context))).std).toBeCloseTo(Math.sqrt(2 / 500), 3);
    const hu = moments(values(init.heUniform()(shape, context)));
    expect(hu.max).toBeLessThanOrEqual(Math.sqrt(6 / 400));
    expect(hu.std).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(moments(values(init.heNormal()(shape, context))).std).toBeCloseTo(Math.sqrt(2 / 400), 3);
  });

  it("the same seed gives the same values", () => {
    expect(values(init.heNormal()([5], context))).toEqual(values(init.heNormal()([5], context)));
  });

  it("refuses bad scales and fans", () => {
    expect(() => init.normal(-1)).toThrow(ArgumentError);
    expect(() => init.uniform(1, 0)).toThrow(ArgumentError);
    expect(() => init.constant(Number.NaN)).toThrow(ArgumentError);
    expect(() => init.glorotUniform()([2], { fanIn: 0, fanOut: 1 })).toThrow(/fanIn/);
  });
});
