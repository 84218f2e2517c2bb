import { binaryOps, unaryOps, type BinaryOp, type UnaryOp } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { binaryExpr, unaryExpr } from "./elementwise.wgsl.js";
import { helpers } from "./math.wgsl.js";
import { scalarOf } from "./wgsl.js";

/**
 * The WGSL renderer is one consumer of tensor-core's op table: every op, for every dtype the table lists
 * that this backend stores (float64 is not one), must have a rendering whose helpers exist. Adding an op to
 * the table without its WGSL fails here, not in a user's program.
 */
describe("every elementwise op of tensor-core's table renders to WGSL", () => {
  const webgpuDTypes = (dtypes: readonly string[]) => dtypes.filter((d) => d !== "float64") as ("float32" | "int32" | "bool")[];

  it("unary ops", () => {
    const missing: string[] = [];
    for (const op of Object.keys(unaryOps) as UnaryOp[]) {
      for (const dtype of webgpuDTypes(unaryOps[op].dtypes)) {
        try {
          const e = unaryExpr(op, scalarOf(dtype));
          expect(e.expr).toMatch(/x/);
          helpers(e.helpers);
        } catch (error) {
          missing.push(`${op}/${dtype}: ${(error as Error).message}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("binary ops", () => {
    const missing: string[] = [];
    for (const op of Object.keys(binaryOps) as BinaryOp[]) {
      for (const dtype of webgpuDTypes(binaryOps[op].dtypes)) {
        try {
          const e = binaryExpr(op, scalarOf(dtype));
          expect(e.expr).toMatch(/a/);
          helpers(e.helpers);
        } catch (error) {
          missing.push(`${op}/${dtype}: ${(error as Error).message}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
