import { ProgramBuilder, setBackend, tensor, type DType, type ElementwiseProgram } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "./index.js";
import { compiles } from "./wasm/program.js";

/**
 * The TypeScript program evaluator is behind a dynamic import, so a bundle for a page with WebAssembly does not
 * carry it. This file runs in a module registry of its own (vitest isolates test files), so the evaluator is not
 * loaded when it starts: the first tests see the programs the Wasm path cannot compile expanded into primitive
 * kernels, the later ones see the evaluator, and both give the same bits.
 */

function programs(): [string, ElementwiseProgram, DType, Float32Array | Int32Array][] {
  const sin = new ProgramBuilder("sin", ["float32"]);
  const int = new ProgramBuilder("int", ["int32"]);
  return [
    ["sin", sin.build(sin.binary("add", sin.unary("sin", sin.input(0)), 1)), "float32", Float32Array.from({ length: 37 }, (_, i) => i / 7 - 2)],
    ["int32", int.build(int.binary("mul", int.input(0), 3)), "int32", Int32Array.from({ length: 37 }, (_, i) => i * 1e8)],
  ];
}

describe("the TypeScript program evaluator, loaded on demand", () => {
  const wasm = cpu({ kernels: "wasm" });
  const expanded: number[][] = [];

  it("is not fetched by a Wasm backend until a program does not compile, which meanwhile runs as its primitive kernels", async () => {
    const relu = new ProgramBuilder("relu", ["float32"]);
    const x = relu.input(0);
    const compiled = relu.build(relu.where(relu.binary("greater", x, 0), x, 0));
    wasm.elementwise!(compiled, [{ data: wasm.upload(new Float32Array([-1, 2]), "float32"), shape: [2], dtype: "float32" }], { shape: [2], dtype: "float32" });
    // Nothing asked for the evaluator yet: ready() has nothing to wait for.
    let settled = false;
    void wasm.ready().then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(true);

    for (const [name, program, dtype, data] of programs()) {
      expect(compiles(program), name).toBe(false);
      const before = wasm.heap().usedBytes;
      const out = wasm.elementwise!(program, [{ data: wasm.upload(data, dtype), shape: [37], dtype }], { shape: [37], dtype });
      // Expanded: the float32 `add` after `sin` is a Wasm kernel, so its result is a heap block.
      if (dtype === "float32") expect(wasm.heap().usedBytes, name).toBeGreaterThan(before);
      expanded.push(Array.from(wasm.readSync!(out)));
      wasm.disposeData(out);
    }
  });

  it("then evaluates those programs in TypeScript (outside the Wasm heap), with the same bits", async () => {
    await wasm.ready();
    programs().forEach(([name, program, dtype, data], i) => {
      const input = wasm.upload(data, dtype);
      const used = wasm.heap().usedBytes;
      const out = wasm.elementwise!(program, [{ data: input, shape: [37], dtype }], { shape: [37], dtype });
      expect(wasm.heap().usedBytes, name).toBe(used);
      expect(Array.from(wasm.readSync!(out)), name).toEqual(expanded[i]);
    });
  });

  it("is what a TypeScript backend runs once setBackend has awaited it", async () => {
    const js = cpu({ kernels: "js" });
    await setBackend(js);
    const y = tensor([1, 2, 3], { dtype: "int32" }).mul(3).add(1);
    expect(Array.from(await y.data())).toEqual([4, 7, 10]);
    const [, program, dtype, data] = programs()[1]!;
    expect(Array.from(js.readSync!(js.elementwise!(program, [{ data: js.upload(data, dtype), shape: [37], dtype }], { shape: [37], dtype })))).toEqual(expanded[1]);
  });
});
