import { argReduceOps, binaryOps, reduceOps, unaryOps } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { RULES, ZERO_GRADIENT } from "./index.js";

/** Primitives outside the elementwise and reduction tables (see the backend contract in tensor-core). */
const STRUCTURAL = ["where", "matmul", "cast", "clone", "reshape", "transpose", "broadcastTo", "slice", "concat", "pad", "gather", "scatterAdd"];

describe("every differentiable primitive of tensor-core has a rule", () => {
  const classify = (op: string, result: "same" | "bool" | "int", dtypes: readonly string[]) => {
    if (RULES.has(op)) return "rule";
    if (ZERO_GRADIENT.has(op)) return "zero gradient";
    if (result !== "same" || !dtypes.some((d) => d === "float32" || d === "float64")) return "not differentiable";
    return "missing";
  };

  it("unary, binary, reduction and arg-reduction primitives", () => {
    const missing = [
      ...Object.entries(unaryOps).map(([op, info]) => [op, classify(op, info.result, info.dtypes)]),
      ...Object.entries(binaryOps).map(([op, info]) => [op, classify(op, info.result, info.dtypes)]),
      ...Object.entries(reduceOps).map(([op, info]) => [op, classify(op, "same", info.dtypes)]),
      ...Object.entries(argReduceOps).map(([op, info]) => [op, classify(op, "int", info.dtypes)]),
    ].filter(([, kind]) => kind === "missing");
    expect(missing).toEqual([]);
  });

  it("structural primitives and stopGradient", () => {
    expect(STRUCTURAL.filter((op) => !RULES.has(op))).toEqual([]);
    expect(ZERO_GRADIENT.has("stopGradient")).toBe(true);
  });
});
