import { BackendError, type TensorInfo } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import type { WebGpuBackend } from "./backend.js";
import { EXACT, gpuBackend, Pair, randomInts, randomValues, seeded, sharedGpu, type Input } from "./testing/harness.js";
import { webgpu } from "./webgpu.js";

const backend = sharedGpu();

function upload(backend: WebGpuBackend, values: readonly number[], shape: readonly number[]): TensorInfo {
  return { data: backend.upload(Float32Array.from(values), "float32"), shape, dtype: "float32" };
}

describe("storage and memory", () => {
  it("uploads and reads back every dtype, bool as bytes", async () => {
    const gpu = await backend();
    const f = gpu.upload(Float32Array.from([1.5, -0, NaN]), "float32");
    const i = gpu.upload(Int32Array.from([-2147483648, 7]), "int32");
    const b = gpu.upload(Uint8Array.from([1, 0, 1]), "bool");
    const read = await Promise.all([gpu.read(f), gpu.read(i), gpu.read(b)]);
    expect(read[0]).toBeInstanceOf(Float32Array);
    expect(Array.from(read[0])).toEqual([1.5, -0, NaN]);
    expect(read[1]).toBeInstanceOf(Int32Array);
    expect(Array.from(read[1])).toEqual([-2147483648, 7]);
    expect(read[2]).toBeInstanceOf(Uint8Array);
    expect(Array.from(read[2])).toEqual([1, 0, 1]);
    for (const d of [f, i, b]) gpu.disposeData(d);
  });

  it("counts live buffers and returns to the baseline after dispose, reusing pooled buffers", async () => {
    const gpu = await backend();
    const before = gpu.memory();
    const x = upload(gpu, [1, 2, 3, 4], [4]);
    const y = gpu.unary("exp", x, { shape: [4], dtype: "float32" });
    const z = gpu.binary("add", x, { data: y, shape: [4], dtype: "float32" }, { shape: [4], dtype: "float32" });
    await gpu.read(z);
    const during = gpu.memory();
    expect(during.buffers).toBe(before.buffers + 3);
    expect(during.bytes).toBeGreaterThanOrEqual(before.bytes + 3 * 16);
    for (const d of [x.data, y, z]) gpu.disposeData(d);
    const after = gpu.memory();
    expect(after.buffers).toBe(before.buffers);
    expect(after.bytes).toBe(before.bytes);
    expect(after.pooledBuffers).toBeGreaterThanOrEqual(3);
    // The same sizes again come from the pool: nothing new is pooled afterwards.
    const again = upload(gpu, [5, 6, 7, 8], [4]);
    expect(gpu.memory().pooledBuffers).toBe(after.pooledBuffers - 1);
    gpu.disposeData(again.data);
  });

  it("a training-like loop leaks nothing and compiles each kernel once", async () => {
    const gpu = await backend();
    const rand = seeded(5);
    const base = gpu.memory().buffers;
    let pipelines = 0;
    for (let step = 0; step < 5; step++) {
      const x = upload(gpu, randomValues(rand, 32 * 8), [32, 8]);
      const w = upload(gpu, randomValues(rand, 8 * 4), [8, 4]);
      const h = gpu.fused.matmulBiasActivation(x, w, null, "relu", false, false, { shape: [32, 4], dtype: "float32" });
      const loss = gpu.reduce("sum", { data: h, shape: [32, 4], dtype: "float32" }, [0, 1], { shape: [], dtype: "float32" });
      await gpu.read(loss);
      for (const d of [x.data, w.data, h, loss]) gpu.disposeData(d);
      if (step === 0) pipelines = gpu.compiledPipelines;
    }
    expect(gpu.memory().buffers).toBe(base);
    expect(gpu.compiledPipelines).toBe(pipelines);
  });

  it("rejects data it does not own and data already disposed", async () => {
    const gpu = await backend();
    const x = upload(gpu, [1], [1]);
    gpu.disposeData(x.data);
    expect(() => gpu.unary("neg", x, { shape: [1], dtype: "float32" })).toThrow(/already disposed/);
    expect(() => gpu.disposeData(x.data)).toThrow(BackendError);
    expect(() => gpu.unary("neg", { data: {}, shape: [1], dtype: "float32" }, { shape: [1], dtype: "float32" })).toThrow(/does not own/);
  });

  it("refuses a tensor larger than one binding can address, with the limit in the message", async () => {
    const gpu = await backend();
    const limit = gpu.device.limits.maxStorageBufferBindingSize;
    const before = gpu.memory();
    expect(() => gpu.fill(0, { shape: [limit / 4 + 1], dtype: "float32" })).toThrow(/maxStorageBufferBindingSize/);
    expect(gpu.memory()).toEqual(before);
  });

  it("sync() waits for the submitted work", async () => {
    const gpu = await backend();
    const x = gpu.fill(3, { shape: [1000], dtype: "float32" });
    await gpu.sync();
    expect(Array.from(await gpu.read(x)).every((v) => v === 3)).toBe(true);
    gpu.disposeData(x);
  });

  it("declares float32, int32 and bool with asynchronous reads only", async () => {
    const gpu = await backend();
    expect(gpu.capabilities).toEqual({ dtypes: ["float32", "int32", "bool"], syncRead: false });
    expect("readSync" in gpu).toBe(false);
  });
});

describe("dispatch splitting", () => {
  it("runs a 1-D op of more than 65 535 workgroups on a 2-D grid", async () => {
    const gpu = await backend();
    const n = 2 ** 24 + 5; // 65 537 workgroups of 64 invocations × 4 elements
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = i;
    const x = { data: gpu.upload(values, "float32"), shape: [n], dtype: "float32" } as const;
    const y = gpu.binary("sub", x, upload(gpu, [1], []), { shape: [n], dtype: "float32" });
    const got = (await gpu.read(y)) as Float32Array;
    let wrong = 0;
    for (let i = 0; i < n; i++) if (got[i] !== Math.fround(values[i]! - 1)) wrong++;
    expect(wrong).toBe(0);
    gpu.disposeData(x.data);
    gpu.disposeData(y);
  });

  it("every kernel family gives the same results on a grid capped at 16 workgroups per dimension", async () => {
    const small = await gpuBackend({ maxWorkgroupsPerDimension: 16 });
    const pair = new Pair(small);
    const rand = seeded(9);
    const x: Input = { values: randomValues(rand, 40 * 70), shape: [40, 70] };
    const w: Input = { values: randomValues(rand, 70 * 90), shape: [70, 90] };
    const tol = { atol: 1e-4, rtol: 1e-4 };
    await pair.compare([x], (b, [t]) => b.unary("tanh", t!, { shape: [40, 70], dtype: "float32" }), tol, "map");
    await pair.compare([x, w], (b, [t, u]) => b.matmul(t!, u!, false, false, { shape: [40, 90], dtype: "float32" }), tol, "matmul");
    await pair.compare([x], (b, [t]) => b.reduce("sum", t!, [0], { shape: [70], dtype: "float32" }), tol, "reduce thread");
    await pair.compare([x], (b, [t]) => b.reduce("max", t!, [1], { shape: [40], dtype: "float32" }), tol, "reduce tree");
    const long: Input = { values: randomValues(rand, 20_000), shape: [20_000] };
    await pair.compare([long], (b, [t]) => b.reduce("sum", t!, [0], { shape: [], dtype: "float32" }), tol, "reduce two-pass");
    await pair.compare([x], (b, [t]) => b.argReduce("argmax", t!, 1, { shape: [40], dtype: "int32" }), EXACT, "argmax tree");
    await pair.compare([x], (b, [t]) => b.argReduce("argmin", t!, 0, { shape: [70], dtype: "int32" }), EXACT, "argmin thread");
    await pair.compare([x], (b, [t]) => b.fused!.softmax!(t!, { shape: [40, 70], dtype: "float32" }), tol, "softmax");
    await pair.compare([x], (b, [t]) => b.transpose(t!, [1, 0], { shape: [70, 40], dtype: "float32" }), EXACT, "transpose");
    const idx: Input = { values: randomInts(rand, 50, 0, 40), shape: [50], dtype: "int32" };
    await pair.compare([x, idx], (b, [t, i]) => b.gather(t!, i!, 0, { shape: [50, 70], dtype: "float32" }), EXACT, "gather");
    const upd: Input = { values: randomValues(rand, 50 * 70), shape: [50, 70] };
    await pair.compare([upd, idx], (b, [t, i]) => b.scatterAdd(t!, i!, 0, { shape: [40, 70], dtype: "float32" }), tol, "scatterAdd");
    await pair.compare([], (b) => b.randomUniform([3, 4], 10, { shape: [5000], dtype: "float32" }), EXACT, "random");
    small.dispose();
  });
});

describe("device lifecycle", () => {
  it("turns a lost device into a BackendError, and a new backend works afterwards", async () => {
    const doomed = await gpuBackend();
    const x = upload(doomed, [1, 2, 3], [3]);
    doomed.device.destroy();
    const error: unknown = await doomed.read(x.data).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect((error as BackendError).op).toBe("read");
    expect((error as Error).message).toMatch(/device was lost.*webgpu\(/);
    expect(() => doomed.unary("neg", x, { shape: [3], dtype: "float32" })).toThrow(/device was lost/);
    doomed.disposeData(x.data);
    doomed.dispose();

    const fresh = await gpuBackend();
    const y = upload(fresh, [1, 2, 3], [3]);
    const z = fresh.unary("neg", y, { shape: [3], dtype: "float32" });
    expect(Array.from(await fresh.read(z))).toEqual([-1, -2, -3]);
    fresh.dispose();
  });

  it("says so when used after dispose", async () => {
    const b = await gpuBackend();
    b.dispose();
    expect(() => b.fill(1, { shape: [1], dtype: "float32" })).toThrow(/disposed/);
  });

  it("fails with install instructions when no adapter is found", async () => {
    const noAdapter = { requestAdapter: () => Promise.resolve(null) } as unknown as GPU;
    await expect(webgpu({ gpu: noAdapter })).rejects.toThrow(/no WebGPU adapter.*VK_ICD_FILENAMES/);
    await expect(webgpu()).rejects.toThrow(/navigator\.gpu/);
  });
});
