import { execFileSync } from "node:child_process";

/**
 * NumPy's matmul (OpenBLAS here) as the native reference, at a given thread count, in a child Python process:
 * the script times `repeats` products after one warm-up and prints each GFLOP/s figure, then its own CPU
 * seconds (so they are not counted as other processes' load).
 */
const script = `
import os, sys, time, numpy as np
n, layout, repeats = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
rng = np.random.default_rng(1)
a = rng.random((n, n), dtype=np.float32) - 0.5
b = rng.random((n, n), dtype=np.float32) - 0.5
f = {"A·B": lambda: a @ b, "A·Bᵀ": lambda: a @ b.T, "Aᵀ·B": lambda: a.T @ b}[layout]
f()
out = []
for _ in range(repeats):
    t = time.perf_counter(); f(); out.append(2 * n**3 / (time.perf_counter() - t) / 1e9)
t = os.times()
print(" ".join(f"{x:.3f}" for x in out), t.user + t.system)
`;

export function numpyInfo(): string | null {
  try {
    return execFileSync("python3", ["-c", "import numpy; c = numpy.show_config('dicts')['Build Dependencies']['blas']; print(f\"numpy {numpy.__version__}, {c['name']} {c['version']}\")"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export function openblasMatmul(n: number, layout: string, repeats: number, threads: number): { gflops: number[]; cpuSeconds: number } {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const out = execFileSync("python3", ["-c", script, String(n), layout, String(repeats)], { encoding: "utf8", env });
  const fields = out.trim().split(/\s+/).map(Number);
  return { gflops: fields.slice(0, -1), cpuSeconds: fields.at(-1)! };
}
