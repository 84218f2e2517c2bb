import { ProgramBuilder, type ElementwiseProgram } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "../index.js";

/**
 * An exp whose every use adds a constant (σ's 1 + e⁻ˣ) compiles to emitExp's cheaper form: clamped at −86
 * instead of −104, 2ⁿ built in one step. The sums must come out bit for bit as with the full form, and a
 * constant too small to swallow what the clamp changes must get the full form, whatever ran before it.
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
