import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { memory, setBackend, tensor, tidy, zeros } from "@neurite/tensor-core";
import { describe, expect, it, vi } from "vitest";
import { cpu } from "./index.js";

// tensor-core behaviour that needs a real backend and is not a backend's concern, so it is not in the
// conformance kit: module state per copy of the package, and the garbage-collection safety net.

describe("copies of tensor-core", () => {
  it("keep separate state: a backend set in one copy is not the other's", async () => {
    const first = await import("@neurite/tensor-core");
    vi.resetModules();
    const second = await import("@neurite/tensor-core");
    expect(second.Tensor).not.toBe(first.Tensor);
    await first.setBackend(cpu());
    expect(() => second.getBackend()).toThrow("no backend is set");
    await second.setBackend(cpu());
    expect(second.getBackend()).not.toBe(first.getBackend());
  });

  it("importing the package has no side effects: no backend until one is set", async () => {
    vi.resetModules();
    const fresh = await import("@neurite/tensor-core");
    expect(() => fresh.tensor([1])).toThrow("no backend is set; call `await setBackend(cpu())`");
  });
});

describe("the garbage-collection safety net", () => {
  it("frees the storage of a tensor that was dropped without dispose()", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const backend = cpu();
    await setBackend(backend);
    const kept = tensor([1, 2, 3]);
    const before = memory(backend);
    (() => {
      zeros([1000]); // never disposed, never referenced
    })();
    expect(memory(backend).buffers).toBe(before.buffers + 1);
    for (let i = 0; i < 50 && memory(backend).buffers > before.buffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(memory(backend)).toEqual(before);
    expect(kept.dataSync()).toEqual(new Float32Array([1, 2, 3]));
  });

  it("watches a tensor from the moment a tidy scope hands it to the caller (scope-owned ones it skips)", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const backend = cpu();
    await setBackend(backend);
    const before = memory(backend);
    (() => {
      // Made inside the scope (unwatched while it owns them); the sum leaves it and is then dropped.
      tidy(() => zeros([1000]).add(1).sum());
    })();
    expect(memory(backend).buffers).toBe(before.buffers + 1);
    for (let i = 0; i < 50 && memory(backend).buffers > before.buffers; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(memory(backend)).toEqual(before);
  });
});
