import { allCases, baseContractOnly, runConformance, type ConformanceCase } from "@neurite/backend-conformance";
import type { Backend, DataId, OutputSpec, TensorInfo, UnaryOp } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "./index.js";

/**
 * The conformance kit checked on backends broken on purpose: each defect must make the cases that exercise it
 * fail, with a message that says what went wrong. (This lives here rather than in backend-conformance so that
 * the kit does not depend on a backend: backend-cpu already depends on the kit, and turbo rejects cycles.)
 */

/** `cpu()` with some members replaced; everything else is the real backend's, bound to it. */
function patched(overrides: (inner: Backend) => Partial<Backend>): Backend {
  const inner = cpu();
  const replaced = overrides(inner);
  return new Proxy(inner, {
    get(target, prop) {
      if (prop in replaced) return replaced[prop as keyof Backend];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** exp that is off by one everywhere: the kind of bug a new kernel has. */
const brokenExp = () =>
  patched((inner) => ({
    unary(op: UnaryOp, x: TensorInfo, out: OutputSpec): DataId {
      const id = inner.unary(op, x, out);
      if (op !== "exp") return id;
      const values = inner.readSync!(id);
      inner.disposeData(id);
      for (let i = 0; i < values.length; i++) values[i] = values[i]! + 1;
      return inner.upload(values, out.dtype);
    },
  }));

const named = (prefix: string) => (c: ConformanceCase) => c.name.startsWith(prefix);

describe("the conformance kit on deliberately broken backends", () => {
  it("catches an exp kernel that adds 1, with the inputs, values, worst element and tolerance in the message", async () => {
    const report = await runConformance(brokenExp(), { filter: named("unary/exp/float32/") });
    const failed = report.failed.map((r) => r.name);
    expect(failed).toContain("unary/exp/float32/[3, 5]");
    expect(failed).toContain("unary/exp/float32/scalar []");
    expect(failed).toContain("unary/exp/float32/large [64, 33]");
    // Empty tensors have no element to get wrong.
    expect(report.passed.map((r) => r.name)).toEqual(["unary/exp/float32/empty [0]", "unary/exp/float32/empty [2, 0, 3]"]);
    const message = report.failed.find((r) => r.name === "unary/exp/float32/[3, 5]")!.message!;
    expect(message).toMatch(/15 of 15 elements differ; worst: expected .*, got /);
    expect(message).toMatch(/worst element: index \[\d, \d\] \(flat \d+\)/);
    expect(message).toContain("tolerance: |actual − expected| ≤ atol 0.00001 + rtol 0.0001");
    expect(message).toMatch(/inputs:\n {4}x: float32 \[3, 5\] \[/);
    expect(message).toMatch(/expected: float32 \[3, 5\]/);
    expect(message).toMatch(/actual: {3}float32 \[3, 5\]/);
    expect(report.ok).toBe(false);
  });

  it("catches the broken exp through the ops composed from it (sigmoid, softmax along axis 0)", async () => {
    // Through the base contract, where sigmoid's program is expanded into primitive kernels (with its
    // `elementwise` capability cpu evaluates programs itself, and softmax along the last axis runs cpu's
    // fused kernel; neither calls unary exp).
    const report = await runConformance(baseContractOnly(brokenExp()), { filter: (c) => c.name === "activation/sigmoid/float32/[3, 5]" || c.name === "softmax/float32/axis 0 [4, 3] axis 0" });
    expect(report.failed.map((r) => r.name).sort()).toEqual(["activation/sigmoid/float32/[3, 5]", "softmax/float32/axis 0 [4, 3] axis 0"]);
  });

  it("catches an elementwise capability that mis-evaluates programs, and passes the same cases expanded into primitives", async () => {
    // Programs run correctly, then every float32 result is nudged by one part in a thousand.
    const nudged = patched((inner) => ({
      elementwise(program, inputs, out) {
        const id = inner.elementwise!(program, inputs, out);
        if (out.dtype !== "float32") return id;
        const values = inner.readSync!(id);
        inner.disposeData(id);
        for (let i = 0; i < values.length; i++) values[i] = values[i]! * 1.001;
        return inner.upload(values, out.dtype);
      },
    }));
    const report = await runConformance(nudged, { filter: named("program/float32/chain") });
    expect(report.failed.map((r) => r.name)).toEqual(["program/float32/chain with constants, comparisons, where and broadcasting"]);
    // The several-results cases run through `elementwiseMulti`, which this backend leaves as it was.
    const chain = "program/float32/chain with constants, comparisons, where and broadcasting";
    expect(report.passed.map((r) => r.name)).toEqual([`${chain}/expanded into primitives`, `${chain}/several results`, `${chain}/several results expanded into primitives`]);
  });

  it("catches an elementwiseMulti capability whose second result is wrong", async () => {
    const swapped = patched((inner) => ({
      elementwiseMulti(program, inputs, outs) {
        const ids = inner.elementwiseMulti!(program, inputs, outs);
        // The second output gets the first one's values (when their dtypes agree).
        if (ids.length < 2 || outs[0]!.dtype !== outs[1]!.dtype) return ids;
        inner.disposeData(ids[1]!);
        return [ids[0]!, inner.upload(inner.readSync!(ids[0]!), outs[0]!.dtype), ...ids.slice(2)];
      },
    }));
    const report = await runConformance(swapped, { filter: named("program/float32/chain") });
    const chain = "program/float32/chain with constants, comparisons, where and broadcasting";
    expect(report.failed.map((r) => r.name)).toEqual([`${chain}/several results`]);
  });

  it("accepts the broken exp when the manifest expects it to fail", async () => {
    const name = "unary/exp/float32/[3, 5]";
    const report = await runConformance(brokenExp(), { filter: (c) => c.name === name, expectedFailures: { [name]: "exp is off by one (deliberate)" } });
    expect(report.ok).toBe(true);
    expect(report.expectedFailures.map((r) => r.name)).toEqual([name]);
    expect(report.expectedFailures[0]!.message).toContain("exp is off by one (deliberate)");
  });

  it("reports a leaked buffer with the counts", async () => {
    // fill allocates a second buffer and never frees it.
    const leaky = patched((inner) => ({
      fill(value: number, out: OutputSpec): DataId {
        inner.upload(new Float32Array(1), "float32");
        return inner.fill(value, out);
      },
    }));
    const report = await runConformance(leaky, { filter: (c) => c.name === "full/float32/[2, 3]" || c.name === "unary/neg/float32/[3, 5]" });
    expect(report.failed.map((r) => r.name)).toEqual(["full/float32/[2, 3]"]);
    const [, before, after] = /leak check: \d+ → \d+ live tensors and (\d+) → (\d+) buffers/.exec(report.failed[0]!.message!)!;
    expect(Number(after) - Number(before)).toBe(3); // full, zeros and ones each leak one
    expect(report.passed.map((r) => r.name)).toEqual(["unary/neg/float32/[3, 5]"]);
  });

  it("checks the random stream bit for bit", async () => {
    // A stream that starts one block late: every value is a valid uniform, just not the right one.
    const shifted = patched((inner) => ({
      randomUniform: (key: readonly [number, number], offset: number, out: OutputSpec) => inner.randomUniform(key, offset + 1, out),
    }));
    const report = await runConformance(shifted, { filter: named("random/randomUniform/float32/") });
    expect(report.failed.map((r) => r.name)).toContain("random/randomUniform/float32/seed 0 starts with the Random123 known answer");
    expect(report.failed.map((r) => r.name)).toContain("random/randomUniform/float32/seed 42 [1000] is the Philox stream bit for bit");
    expect(report.failed.find((r) => r.name.includes("seed 42 [1000]"))!.message).toContain("tolerance: exact");
  });

  it("catches a matmul that guesses the layout from the shapes instead of reading the transpose flags", async () => {
    // Picks the first layout whose inner dimensions match, as if the flags did not exist: right for every
    // non-square case, wrong for square operands with a flag.
    const guessing = patched((inner) => ({
      matmul(a: TensorInfo, b: TensorInfo, _transposeA: boolean, _transposeB: boolean, out: OutputSpec): DataId {
        const layouts = [[false, false], [true, false], [false, true], [true, true]] as const;
        const innerDim = (t: TensorInfo, last: boolean) => t.shape.at(last ? -1 : -2);
        const [ta, tb] = layouts.find(([ta, tb]) => innerDim(a, !ta) === innerDim(b, tb)) ?? [false, false];
        return inner.matmul(a, b, ta, tb, out);
      },
    }));
    const report = await runConformance(guessing, { filter: named("matmul/float32/") });
    const failed = report.failed.map((r) => r.name);
    expect(failed).toContain("matmul/float32/square transposeA [8, 8]ᵀ@[8, 8]");
    expect(failed).toContain("matmul/float32/square batched transposeB [3, 5, 5]@[3, 5, 5]ᵀ");
    expect(failed).toContain("matmul/float32/hand-written transposeA [[1, 2], [3, 4]]@[[5, 6], [7, 8]]");
    expect(failed.filter((n) => !n.includes("square") && !n.includes("hand-written"))).toEqual([]);
    expect(report.passed.map((r) => r.name)).toContain("matmul/float32/transposeA [33, 67]ᵀ@[33, 45]");
  });

  it("reports an expected failure that passes as stale", async () => {
    const name = "binary/add/float32/same [3, 4]+[3, 4]";
    const report = await runConformance(cpu(), { filter: (c) => c.name === name, expectedFailures: { [name]: "thought to be broken" } });
    expect(report.ok).toBe(false);
    expect(report.failed.map((r) => r.name)).toEqual([name]);
    expect(report.failed[0]!.message).toContain("listed as an expected failure (thought to be broken) but it passed; remove it from the manifest");
  });

  it("reports a manifest entry that names no case", async () => {
    const report = await runConformance(cpu(), { filter: () => false, expectedFailures: { "unary/exp/float32/[3, 6]": "typo" } });
    expect(report.failed.map((r) => r.message)).toEqual([
      'the expected-failure manifest lists "unary/exp/float32/[3, 6]", which is not a case of the kit; remove or rename the entry',
    ]);
  });

  it("runs only the cases whose dtypes the backend declares", async () => {
    const noFloat64 = patched(() => ({ capabilities: { dtypes: ["float32", "int32", "bool"], syncRead: true } }));
    const report = await runConformance(noFloat64, { filter: named("unary/neg/") });
    expect(report.notApplicable).toContain("unary/neg/float64/[3, 5]");
    expect(report.passed.some((r) => r.name.includes("float64"))).toBe(false);
    expect(report.passed.map((r) => r.name)).toContain("unary/neg/int32/[3, 5]");
  });

  it("names every case uniquely and puts each in a group", () => {
    const cases = allCases();
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(new Set(cases.map((c) => c.group))).toEqual(
      new Set(["creation", "elementwise", "programs", "reduce", "matmul", "movement", "activations", "conv-pool", "random", "errors", "memory", "gradient"]),
    );
  });
});
