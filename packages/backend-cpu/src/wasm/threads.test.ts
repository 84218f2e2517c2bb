import { afterAll, describe, expect, it } from "vitest";
import { cpu, type CpuBackend } from "../index.js";
import { seeded } from "../testing/helpers.js";

/** Products big enough to be split across threads, checked against the single-thread Wasm and the JS path. */
describe("matmul on worker threads", () => {
  const threaded = cpu({ kernels: "wasm", threads: 2 });
  const single = cpu({ kernels: "wasm" });
  const js = cpu({ kernels: "js" });
  afterAll(() => {
    threaded.dispose();
  });

  async function started(backend: CpuBackend): Promise<void> {
    for (let i = 0; i < 200 && backend.threads < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  it("says how it threads, and falls back to one thread when asked for one", async () => {
    expect(threaded.threading).toBe("2 threads: Node worker_threads over a shared Wasm memory");
    await started(threaded);
    expect(threaded.threads).toBe(2);
    expect(single.threads).toBe(1);
    expect(js.threads).toBe(1);
    expect(() => cpu({ threads: 0 })).toThrow(/cpu \(argument 'threads'\): expected a positive integer or "auto", got 0/);
  });

  it("starts no workers for a backend disposed before its thread pool has loaded", async () => {
    const early = cpu({ kernels: "wasm", threads: 2 });
    early.dispose();
    await started(threaded); // long enough for a pool to have loaded and a worker to say ready
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(early.threads).toBe(1);
  });

  const cases: [number[], number[], boolean, boolean, number[]][] = [
    [[250, 300], [300, 130], false, false, [250, 130]],
    [[300, 250], [300, 130], true, false, [250, 130]],
    [[250, 300], [130, 300], false, true, [250, 130]],
    [[2, 131, 260], [260, 70], false, false, [2, 131, 70]],
  ];
  for (const [sa, sb, ta, tb, shape] of cases) {
    it(`[${sa.join(", ")}]·[${sb.join(", ")}]${ta ? " Aᵀ" : ""}${tb ? " Bᵀ" : ""} gives the single-thread result bit for bit`, async () => {
      await started(threaded);
      const rand = seeded(sa[0]! + sb[1]!);
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const a = Float32Array.from({ length: size(sa) }, () => rand() - 0.5);
      const b = Float32Array.from({ length: size(sb) }, () => rand() - 0.5);
      const out = { shape, dtype: "float32" } as const;
      const run = (backend: CpuBackend) =>
        backend.readSync!(backend.matmul({ data: backend.upload(a, "float32"), shape: sa, dtype: "float32" }, { data: backend.upload(b, "float32"), shape: sb, dtype: "float32" }, ta, tb, out));
      const got = run(threaded);
      // Each row block is computed by one thread in the same order, so the split changes nothing.
      expect(Array.from(got)).toEqual(Array.from(run(single)));
      const want = run(js);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-4);
    });
  }
});
