import { cpu } from "@neurite/backend-cpu";
import type { Backend } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { check, compareRuns, differ, disposeRun, generate, printProgram, report, shrink, type Failure } from "./testing/differential/index.js";
import { sharedGpu } from "./testing/harness.js";

/**
 * Differential testing: random programs of tensor-core ops (random ranks and shapes, broadcasting, float32 /
 * int32 / bool), run on backend-cpu and on webgpu, every intermediate value compared (see
 * testing/differential.ts). A failing program is shrunk and printed as a runnable TypeScript reproduction.
 *
 * CI runs 300 programs; more on demand, from any first seed (each seed is a different program):
 *
 *   DIFFERENTIAL_PROGRAMS=5000 DIFFERENTIAL_SEED=100000 pnpm --filter @neurite/backend-webgpu differential
 */
function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}

const PROGRAMS = setting("DIFFERENTIAL_PROGRAMS", 300);
const FIRST_SEED = setting("DIFFERENTIAL_SEED", 1);
const STEPS = setting("DIFFERENTIAL_STEPS", 12);
const PER_TEST = 50;

const backend = sharedGpu();
const reference: Backend = cpu();

async function failuresIn(seeds: readonly number[], target: Backend): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const seed of seeds) {
    const { program, expected } = await generate(seed, STEPS, reference);
    try {
      const mismatch = await differ(program, expected, target);
      if (mismatch !== undefined) failures.push({ program, mismatch });
    } finally {
      disposeRun(expected);
    }
  }
  return failures;
}

describe("random programs on webgpu and backend-cpu", () => {
  for (let start = FIRST_SEED; start < FIRST_SEED + PROGRAMS; start += PER_TEST) {
    const seeds = Array.from({ length: Math.min(PER_TEST, FIRST_SEED + PROGRAMS - start) }, (_, i) => start + i);
    it(`agree on every intermediate value of programs ${seeds[0]}–${seeds.at(-1)}`, async () => {
      const gpu = await backend();
      const failures = await failuresIn(seeds, gpu);
      if (failures.length > 0) {
        const text = await report(failures[0]!, reference, gpu);
        expect.fail(`${failures.length} of ${seeds.length} programs differ (seeds ${failures.map((f) => f.program.seed).join(", ")})\n${text}`);
      }
      expect(gpu.memory().buffers).toBe(0);
    }, 120_000);
  }
});

/** backend-cpu with one wrong kernel (tanh computes sin), standing in for a broken backend. */
function brokenCpu(): Backend {
  const base = cpu();
  return new Proxy(base, {
    get(target, key) {
      if (key === "unary") return ((op, x, out) => target.unary(op === "tanh" ? "sin" : op, x, out)) satisfies Backend["unary"];
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** backend-cpu whose program evaluator computes sin for tanh: a wrong fusing compiler, right primitives. */
function brokenCompiler(): Backend {
  const base = cpu();
  return new Proxy(base, {
    get(target, key) {
      if (key === "elementwise") {
        return ((program, inputs, out) => {
          const nodes = program.nodes.map((n) => (n.kind === "unary" && n.op === "tanh" ? { ...n, op: "sin" as const } : n));
          return target.elementwise!({ ...program, nodes, key: `broken ${program.key}` }, inputs, out);
        }) satisfies Backend["elementwise"];
      }
      const value: unknown = Reflect.get(target, key);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("the differential harness", () => {
  it("generates fused chains and catches a wrong program compiler in them", async () => {
    const failures = await failuresIn(
      Array.from({ length: 20 }, (_, i) => 1 + i),
      brokenCompiler(),
    );
    expect(failures.length).toBeGreaterThan(0);
    const failing = failures.map((f) => f.program.nodes[f.mismatch.at]!);
    // Only fused chains hold tanh inside a program, so the first wrong value is always a chain's.
    expect(failing.every((n) => n.kind === "op" && n.expr.$call === "fusedChain")).toBe(true);
  });

  it("finds a broken kernel and shrinks the program to the op on literal inputs", async () => {
    const broken = brokenCpu();
    const failures = await failuresIn(
      Array.from({ length: 20 }, (_, i) => 1 + i),
      broken,
    );
    expect(failures.length).toBeGreaterThan(0);
    const failure = failures[0]!;
    const small = await shrink(failure, reference, broken);
    // The failing op, with at most its inputs as literal leaves.
    expect(small.program.nodes.length).toBeLessThanOrEqual(4);
    expect(small.program.nodes.slice(0, -1).every((n) => n.kind === "leaf")).toBe(true);
    expect(small.mismatch.at).toBe(small.program.nodes.length - 1);
    expect(await check(small.program, reference, broken)).toBeDefined();
    expect(small.program.nodes.reduce((n, node) => n + (node.kind === "leaf" ? node.values.length : 0), 0)).toBeLessThanOrEqual(
      failure.program.nodes.reduce((n, node) => n + (node.kind === "leaf" ? node.values.length : 0), 0),
    );
    const text = printProgram(small.program, small.mismatch.message);
    expect(text).toMatch(/const v0 = nt\.tensor\(\[/);
    expect(text).toContain("await nt.setBackend(backend);");
    expect(await report(failure, reference, broken)).toContain(`program seed ${failure.program.seed}`);
  });

  it("runs each seed's program identically", async () => {
    const a = await generate(12345, STEPS, reference);
    const b = await generate(12345, STEPS, reference);
    expect(printProgram(b.program, "")).toBe(printProgram(a.program, ""));
    expect(await compareRuns(a.program, a.expected, b.expected)).toBeUndefined();
    disposeRun(a.expected);
    disposeRun(b.expected);
  });
});
