import { BackendError } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "./index.js";
import { harness } from "./testing/helpers.js";

describe("cpu() storage", () => {
  it("describes itself", () => {
    const backend = cpu();
    expect(backend.name).toBe("cpu");
    expect(backend.capabilities).toEqual({ dtypes: ["float32", "int32", "bool", "float64"], syncRead: true });
    expect(typeof backend.readSync).toBe("function");
  });

  it("upload copies: changing the caller's array later does not change the tensor", () => {
    const backend = cpu();
    const values = new Float32Array([1, 2, 3]);
    const id = backend.upload(values, "float32");
    values[0] = 99;
    expect(Array.from(backend.readSync!(id))).toEqual([1, 2, 3]);
  });

  it("readSync and read return fresh copies of the right typed array", async () => {
    const backend = cpu();
    const id = backend.upload(new Int32Array([4, 5]), "int32");
    const first = backend.readSync!(id);
    expect(first).toBeInstanceOf(Int32Array);
    first[0] = -1;
    const second = await backend.read(id);
    expect(Array.from(second)).toEqual([4, 5]);
    expect(second).not.toBe(first);
  });

  it("stores each dtype in its typed array", () => {
    const { backend, t } = harness();
    expect(backend.readSync!(t([1], [1], "float32").data)).toBeInstanceOf(Float32Array);
    expect(backend.readSync!(t([1], [1], "float64").data)).toBeInstanceOf(Float64Array);
    expect(backend.readSync!(t([1], [1], "int32").data)).toBeInstanceOf(Int32Array);
    expect(backend.readSync!(t([1], [1], "bool").data)).toBeInstanceOf(Uint8Array);
  });

  it("memory() counts buffers and bytes, and goes back to zero after disposeData", () => {
    const { backend, t } = harness();
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
    const a = t([1, 2, 3], [3], "float32"); // 12 bytes
    const b = t([1, 2], [2], "float64"); // 16 bytes
    const c = t([1, 0, 1], [3], "bool"); // 3 bytes
    const sum = backend.binary("add", a, a, { shape: [3], dtype: "float32" }); // 12 bytes
    expect(backend.memory()).toEqual({ buffers: 4, bytes: 43 });
    for (const id of [a.data, b.data, c.data, sum]) backend.disposeData(id);
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
  });

  it("rejects a disposed DataId with a BackendError, in every entry point", async () => {
    const { backend, t } = harness();
    const a = t([1, 2], [2]);
    backend.disposeData(a.data);
    expect(() => backend.readSync!(a.data)).toThrow(BackendError);
    await expect(backend.read(a.data)).rejects.toThrow(BackendError);
    expect(() => backend.unary("neg", a, { shape: [2], dtype: "float32" })).toThrow(BackendError);
    expect(() => {
      backend.disposeData(a.data);
    }).toThrow(BackendError);
    expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
  });

  it("instances are independent: one backend rejects another's data and keeps its own counts", () => {
    const one = cpu();
    const two = cpu();
    const id = one.upload(new Float32Array([1]), "float32");
    expect(() => two.readSync!(id)).toThrow(BackendError);
    expect(() => {
      two.disposeData({});
    }).toThrow(BackendError);
    expect(two.memory()).toEqual({ buffers: 0, bytes: 0 });
    expect(one.memory()).toEqual({ buffers: 1, bytes: 4 });
  });

  it("exposes the fused kernels", () => {
    const backend = cpu();
    expect(typeof backend.fused?.matmulBiasActivation).toBe("function");
    expect(typeof backend.fused?.softmax).toBe("function");
  });
});
