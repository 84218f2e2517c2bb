import { ProgramBuilder, type ElementwiseProgram } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "../index.js";

/**
 * The value-dependent rewrites of rewrites.ts. An exp whose every use adds a constant (σ's 1 + e⁻ˣ) compiles to
 * emitExp's cheaper form: clamped at −86 instead of −104, 2ⁿ built in one step. The sums must come out bit for
 * bit as with the full form, and a constant too small to swallow what the clamp changes must get the full
 * form, whatever ran before it. A clamp where(a > b, a, c) is pmax(c, a) when b and c are one node or equal
 * constants: bit for bit the where, NaN and signed zeros included, and untouched when the constants differ.
 */

const wasm = cpu({ kernels: "wasm" });
const js = cpu({ kernels: "js" });

/** Inputs around every edge of the two forms: the clamps, where 2ⁿ⁻¹ stops being normal, overflow, specials. */
function edges(): Float32Array {
  const xs: number[] = [0, -0, Infinity, -Infinity, Number.NaN, 1e-30, -1e-30];
  for (let x = -120; x <= 120; x += 0.0625) xs.push(x);
  for (const [from, to] of [[-105, -85], [-0.7, 0.7], [87.5, 89.5]]) for (let i = 0; i <= 4000; i++) xs.push(from! + ((to! - from!) * i) / 4000);
  return Float32Array.from(xs);
}

function run(backend: typeof wasm, program: ElementwiseProgram, inputs: readonly Float32Array[]): Float32Array {
  const infos = inputs.map((values) => ({ data: backend.upload(values, "float32"), shape: [values.length], dtype: "float32" as const }));
  const out = backend.elementwise!(program, infos, { shape: [inputs[0]!.length], dtype: "float32" });
  return backend.readSync!(out) as Float32Array;
}

/** 1 / (eˣ⁽ˢⁱᵍⁿ⁾ + c): c a constant (the cheaper form's case) or, with `asInput`, the second input (the full form). */
function sigmoidLike(sign: 1 | -1, c: number, asInput: boolean): ElementwiseProgram {
  const p = new ProgramBuilder("sigmoid", asInput ? ["float32", "float32"] : ["float32"]);
  const x = sign === 1 ? p.input(0) : p.unary("neg", p.input(0));
  return p.build(p.binary("div", 1, p.binary("add", p.unary("exp", x), asInput ? p.input(1) : c)));
}

function bits(values: Float32Array): number[] {
  return Array.from(new Int32Array(values.buffer, values.byteOffset, values.length));
}

describe("exp before adding a constant (emitExp's cheaper form)", () => {
  const xs = edges();

  for (const sign of [1, -1] as const) {
    for (const c of [1, -1, 0.5, 3, 2 ** -80]) {
      it(`1 / (e^${sign === 1 ? "" : "−"}x + ${c}) matches the full form bit for bit`, () => {
        const cheap = run(wasm, sigmoidLike(sign, c, false), [xs]);
        const full = run(wasm, sigmoidLike(sign, c, true), [xs, new Float32Array(xs.length).fill(c)]);
        expect(bits(cheap)).toEqual(bits(full));
      });
    }
  }

  it("a constant below 2⁻⁹⁰ takes the full form, also after the same program ran with a big one", () => {
    // eˣ + 1e-40 for x near −95: the sum is mostly eˣ, a subnormal that the clamp at −86 would turn into ~4e-38.
    const p = new ProgramBuilder("expPlus", ["float32"]);
    const program = (c: number) => p.build(p.binary("add", p.unary("exp", p.input(0)), c));
    const x = Float32Array.from([-95, -100, -90, -87, 0]);
    expect(Array.from(run(wasm, program(1), [x]))).toEqual([1, 1, 1, 1, 2]);
    const got = run(wasm, program(1e-40), [x]);
    const want = run(js, program(1e-40), [x]);
    for (let i = 0; i < x.length; i++) expect(Math.abs(got[i]! - want[i]!), `x = ${x[i]}`).toBeLessThanOrEqual(Math.abs(want[i]!) * 1e-6 + 1e-44);
    expect(got[0]).toBeLessThan(1e-39);
  });

  it("an exp added to a varying input keeps the full form", () => {
    const p = new ProgramBuilder("expPlusY", ["float32", "float32"]);
    const program = p.build(p.binary("add", p.unary("exp", p.input(0)), p.input(1)));
    const x = Float32Array.from([-95, -100, -90, 0]);
    const y = new Float32Array(4).fill(1e-40);
    const got = run(wasm, program, [x, y]);
    const want = run(js, program, [x, y]);
    for (let i = 0; i < x.length; i++) expect(Math.abs(got[i]! - want[i]!), `x = ${x[i]}`).toBeLessThanOrEqual(Math.abs(want[i]!) * 1e-6 + 1e-44);
  });

  it("an exp that is also read elsewhere keeps the full form", () => {
    const p = new ProgramBuilder("both", ["float32"]);
    const e = p.unary("exp", p.input(0));
    const twice = p.build(p.binary("mul", p.binary("add", e, 1), e));
    const x = Float32Array.from([-95, -100, 0, 1]);
    const got = run(wasm, twice, [x]);
    const want = run(js, twice, [x]);
    for (let i = 0; i < x.length; i++) expect(Math.abs(got[i]! - want[i]!), `x = ${x[i]}`).toBeLessThanOrEqual(Math.abs(want[i]!) * 1e-6 + 1e-44);
    expect(got[0]).toBeLessThan(1e-39);
  });
});

describe("clamps: where(a > b, a, c) as pmax(c, a), where(a < b, a, c) as pmin(c, a)", () => {
  const specials = [0, -0, Infinity, -Infinity, Number.NaN, 1e-45, -1e-45, 1.5, -1.5, 2, -2, 3.4e38, -3.4e38];
  const xs = Float32Array.from([...specials, ...Array.from({ length: 200 }, (_, i) => (i - 100) / 16)]);

  /** The program and the same where on the TypeScript path: equal bits expected. */
  function same(program: ElementwiseProgram, inputs: readonly Float32Array[], label: string): void {
    expect(bits(run(wasm, program, inputs)), label).toEqual(bits(run(js, program, inputs)));
  }

  for (const [test, b, c] of [["greater", 0, 0], ["greater", 0, -0], ["greater", -0, 0], ["less", 2, 2], ["greater", 1.5, -1.5], ["less", 0, 1]] as const) {
    it(`where(x ${test === "greater" ? ">" : "<"} ${Object.is(b, -0) ? "-0" : b}, x, ${Object.is(c, -0) ? "-0" : c})`, () => {
      const p = new ProgramBuilder("clamp", ["float32"]);
      const x = p.input(0);
      same(p.build(p.where(p.binary(test, x, b), x, c)), [xs], "constants");
    });
  }

  it("where(a > b, a, b) with b an input (NaN bounds too) and relu itself", () => {
    const p = new ProgramBuilder("max", ["float32", "float32"]);
    const [a, b] = [p.input(0), p.input(1)];
    const bounds = Float32Array.from(xs, (_, i) => xs[(i * 7) % xs.length]!);
    same(p.build(p.where(p.binary("greater", a, b), a, b)), [xs, bounds], "a node as bound");
    same(p.build(p.where(p.binary("less", a, b), a, b)), [xs, bounds], "pmin");
    const relu = new ProgramBuilder("relu", ["float32"]);
    const v = relu.input(0);
    const program = relu.build(relu.where(relu.binary("greater", v, 0), v, 0));
    same(program, [xs], "relu");
    expect(Array.from(run(wasm, program, [Float32Array.of(Number.NaN, -0, -3, 4)])).map((v) => (Object.is(v, -0) ? "-0" : v))).toEqual([0, 0, 0, 4]);
  });
});
