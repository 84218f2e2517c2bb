import { ProgramBuilder, resultProgram, type DataId, type MultiOutputProgram, type TensorInfo } from "@neurite/tensor-core";
import { describe, expect, it, vi } from "vitest";
import type { WebGpuBackend } from "./backend.js";
import { CommandQueue } from "./encoder.js";
import { randomValues, seeded, sharedGpu } from "./testing/harness.js";

const backend = sharedGpu();
/** A device that binds at most 4 storage buffers per kernel, fewer than Adam's 4 inputs and 4 outputs. */
const narrow = sharedGpu({ maxStorageBuffersPerShaderStage: 4 });

/** Adam's update over (g, m, v, p) with a bool result besides: four results of two dtypes from one pass. */
function adamLike(): MultiOutputProgram {
  const b = new ProgramBuilder("adam", ["float32", "float32", "float32", "float32"]);
  const [g, m, v, p] = [b.input(0), b.input(1), b.input(2), b.input(3)];
  const m1 = b.binary("add", b.binary("mul", m, 0.9), b.binary("mul", g, 0.1));
  const v1 = b.binary("add", b.binary("mul", v, 0.999), b.binary("mul", b.binary("mul", g, g), 0.001));
  const p1 = b.binary("sub", p, b.binary("div", b.binary("mul", m1, 0.01), b.binary("add", b.unary("sqrt", v1), 1e-8)));
  return b.buildOutputs([m1, v1, p1, b.binary("greater", g, 0)]);
}

/** Random values with NaN, ±∞ and −0 sprinkled in (the cases where a differently compiled kernel could differ). */
function specialValues(rand: () => number, count: number): Float32Array {
  const values = Float32Array.from(randomValues(rand, count, -4, 4));
  const specials = [NaN, Infinity, -Infinity, -0, 0];
  for (let i = 0; i < count; i += 5) values[i] = specials[Math.floor(rand() * specials.length)]!;
  return values;
}

/** The stored bits of a read result, so −0 and NaN compare exactly. */
function bitsOf(values: Float32Array | Int32Array | Uint8Array): number[] {
  return values instanceof Float32Array ? Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length)) : Array.from(values);
}

async function readAll(gpu: WebGpuBackend, ids: readonly DataId[]): Promise<number[][]> {
  const read = await Promise.all(ids.map((d) => gpu.read(d)));
  for (const d of ids) gpu.disposeData(d);
  return read.map((r) => bitsOf(r as Float32Array | Uint8Array));
}

/** Inputs of `shape` except p, which is a row of the last axis (broadcast over the others). */
function inputsOf(gpu: WebGpuBackend, shape: readonly number[], seed: number): TensorInfo[] {
  const rand = seeded(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const row = shape.slice(-1);
  return [shape, shape, shape, row].map((s, k) => {
    const n = k === 3 ? row[0]! : size;
    const values = specialValues(rand, n);
    // The second moment is never negative in Adam; keep most of it so, but let the specials through.
    if (k === 2) for (let i = 0; i < n; i++) if (i % 5 !== 0) values[i] = Math.abs(values[i]!);
    return { data: gpu.upload(values, "float32"), shape: s, dtype: "float32" };
  });
}

describe("elementwiseMulti", () => {
  // 4096 elements take the vec4 path, 7 the scalar one, [6, 5] a broadcast row that is not a multiple of 4.
  for (const shape of [[4096], [7], [6, 5], [8, 4]]) {
    it(`gives the single-result programs' bits, NaN, ±∞ and −0 included, in one dispatch (shape [${shape.join(", ")}])`, async () => {
      const gpu = await backend();
      const program = adamLike();
      const inputs = inputsOf(gpu, shape, 17 + shape.length);
      const outs = program.results.map((r) => ({ shape, dtype: program.nodes[r]!.dtype }));
      const dispatch = vi.spyOn(CommandQueue.prototype, "dispatch");
      const multi = gpu.elementwiseMulti!(program, inputs, outs);
      expect(dispatch).toHaveBeenCalledTimes(1);
      dispatch.mockRestore();
      const single = program.results.map((_, i) => gpu.elementwise!(resultProgram(program, i), inputs, outs[i]!));
      const [a, b] = await Promise.all([readAll(gpu, multi), readAll(gpu, single)]);
      expect(a).toEqual(b);
      // The bool result is 0 or 1, one byte each.
      expect(new Set(a[3])).toEqual(new Set([0, 1]));
      for (const x of inputs) gpu.disposeData(x.data);
    });
  }

  it("runs one program per result when the inputs and outputs exceed the device's storage buffers, with the same bits", async () => {
    const [wide, small] = await Promise.all([backend(), narrow()]);
    const program = adamLike();
    const shape = [64];
    const outs = program.results.map((r) => ({ shape, dtype: program.nodes[r]!.dtype }));
    const dispatch = vi.spyOn(CommandQueue.prototype, "dispatch");
    const smallInputs = inputsOf(small, shape, 5);
    dispatch.mockClear();
    const fallback = small.elementwiseMulti!(program, smallInputs, outs);
    expect(dispatch).toHaveBeenCalledTimes(program.results.length);
    dispatch.mockRestore();
    const wideInputs = inputsOf(wide, shape, 5);
    const one = wide.elementwiseMulti!(program, wideInputs, outs);
    const [a, b] = await Promise.all([readAll(small, fallback), readAll(wide, one)]);
    expect(a).toEqual(b);
    for (const x of smallInputs) small.disposeData(x.data);
    for (const x of wideInputs) wide.disposeData(x.data);
  });
});
