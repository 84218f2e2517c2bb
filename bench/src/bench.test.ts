import { expect, it } from "vitest";
import { runBench } from "./run.js";

// The smoke run CI does: every workload runs for every library and the table has a row for each. It checks
// that the benchmark works, never how fast anything is.
it("the quick benchmark prints the table with every row, a figure per library and the machine facts", async () => {
  const { rows, text } = await runBench({ quick: true, neurite: "sources" });
  const works = rows.map((r) => r.work);
  for (const prefix of ["matmul 128² A·B", "matmul 128² A·Bᵀ", "matmul 128² Aᵀ·B", "relu on", "sigmoid on", "add on", "sum of 64×256 over the last axis", "sum of 64×256 over the first axis", "MLP 784-128-64-10", "MLP test accuracy", "MLP run peak memory", "CNN step", "MLP-on-CPU bundle"]) {
    const row = rows.find((r) => r.work.startsWith(prefix));
    expect(row, prefix).toBeDefined();
    expect(text).toContain(`| ${row!.work} |`);
    // Neurite always has a real figure: a failure of ours is a failed smoke run.
    const ours = row!.figures.neurite;
    expect(typeof ours, `${prefix}: ${JSON.stringify(ours)}`).toBe("object");
    expect(Number.isFinite((ours as { median: number }).median)).toBe(true);
  }
  expect(works).toHaveLength(13);
  for (const row of rows.slice(0, 8)) {
    for (const peer of ["tfjs-wasm", "jax-js-wasm"]) expect(typeof row.figures[peer], `${row.work} ${peer}`).toBe("object");
  }
  expect(text).toMatch(/machine: .*, \d+ cores; Node \d+/);
  expect(text).toContain("@tensorflow/tfjs-core 4.22.0");
  expect(text).toContain("@jax-js/jax 0.1.25");
  expect(text).toMatch(/\| neurite ÷ best peer \| other processes \(cores\) \|/);
  const accuracy = rows.find((r) => r.work.startsWith("MLP test accuracy"))!.figures.neurite as { median: number };
  expect(accuracy.median).toBeGreaterThan(0.3); // 640 digits, one epoch: far above chance (0.1)
}, 180_000);
