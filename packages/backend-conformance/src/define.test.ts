import { ArgumentError, ShapeError } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { allCases } from "./cases/index.js";
import { expectError } from "./define.js";

// The runner itself (pass / fail / leak / stale expected failures / dtype filtering) is tested on real,
// deliberately broken backends in backend-cpu's conformance-harness.test.ts; the kit has no backend of its own.

describe("expectError", () => {
  const shapeError = () => {
    throw new ShapeError({ op: "add", argument: "b" }, "cannot broadcast [2, 3] with [4]");
  };

  it("accepts the typed error with its op, argument and mentions", async () => {
    await expect(expectError("t", shapeError, { type: ShapeError, op: "add", argument: "b", mentions: ["[2, 3]", "[4]"] })).resolves.toBeUndefined();
  });

  it("rejects a missing error, the wrong class, op, argument or message", async () => {
    await expect(expectError("t", () => 1, { type: ShapeError, op: "add" })).rejects.toThrow("t: expected ShapeError from op 'add', but nothing was thrown");
    await expect(expectError("t", shapeError, { type: ArgumentError, op: "add" })).rejects.toThrow("but got ShapeError: add (argument 'b')");
    await expect(expectError("t", shapeError, { type: ShapeError, op: "sub" })).rejects.toThrow("error.op is 'add'");
    await expect(expectError("t", shapeError, { type: ShapeError, op: "add", argument: "a" })).rejects.toThrow("error.argument is 'b'");
    await expect(expectError("t", shapeError, { type: ShapeError, op: "add", mentions: ["[5]"] })).rejects.toThrow('should mention "[5]"');
    await expect(
      expectError(
        "t",
        () => Promise.reject(new RangeError("boom")),
        { type: ShapeError, op: "add" },
      ),
    ).rejects.toThrow("but got RangeError: boom");
  });
});

describe("the case list", () => {
  it("has unique names, known groups, and cases for every family", () => {
    const cases = allCases();
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    const groups = new Set(cases.map((c) => c.group));
    expect([...groups].sort()).toEqual(["activations", "conv-pool", "creation", "elementwise", "errors", "gradient", "matmul", "memory", "movement", "programs", "random", "reduce"]);
    expect(cases.length).toBeGreaterThan(1500);
  });
});
