import { cpu } from "@neurite/backend-cpu";
import { describe, expect, it } from "vitest";
import { differ, disposeRun, generate, report, type Failure } from "./testing/differential/index.js";
import { webgpu } from "./webgpu.js";

/**
 * The differential test in headless Chromium, on the browser's own WebGPU: random programs of tensor-core
 * ops run on backend-cpu and on webgpu, every intermediate value compared (see differential.test.ts for the
 * Node run, which covers more programs). Seeds start past the Node run's default range, so the browser
 * explores programs of its own.
 */
const PROGRAMS = 100;
const FIRST_SEED = 1_000_001;
const STEPS = 12;

describe("random programs on webgpu (Chromium) and backend-cpu", () => {
  it(`agree on every intermediate value of ${PROGRAMS} programs`, async () => {
    const reference = cpu();
    const gpu = await webgpu();
    try {
      const failures: Failure[] = [];
      for (let seed = FIRST_SEED; seed < FIRST_SEED + PROGRAMS; seed++) {
        const { program, expected } = await generate(seed, STEPS, reference);
        try {
          const mismatch = await differ(program, expected, gpu);
          if (mismatch !== undefined) failures.push({ program, mismatch });
        } finally {
          disposeRun(expected);
        }
      }
      if (failures.length > 0) {
        const text = await report(failures[0]!, reference, gpu);
        expect.fail(`${failures.length} of ${PROGRAMS} programs differ (seeds ${failures.map((f) => f.program.seed).join(", ")})\n${text}`);
      }
      expect(gpu.memory().buffers).toBe(0);
    } finally {
      gpu.dispose();
    }
  }, 300_000);
});
