import { describe, expect, it } from "vitest";
import { harness } from "../testing/helpers.js";

describe("binary", () => {
  it("broadcasts [2,1,3] with [4,1] to [2,4,3]", () => {
    const { backend, t, read } = harness();
    const a = t([1, 2, 3, 4, 5, 6], [2, 1, 3]);
    const b = t([10, 20, 30, 40], [4, 1]);
    const out = { shape: [2, 4, 3], dtype: "float32" } as const;
    expect(read(backend.binary("add", a, b, out))).toEqual([
      11, 12, 13, 21, 22, 23, 31, 32, 33, 41, 42, 43, 14, 15, 16, 24, 25, 26, 34, 35, 36, 44, 45, 46,
    ]);
    // The operand order matters for sub: b - a.
    expect(read(backend.binary("sub", b, a, out))).toEqual([
      9, 8, 7, 19, 18, 17, 29, 28, 27, 39, 38, 37, 6, 5, 4, 16, 15, 14, 26, 25, 24, 36, 35, 34,
    ]);
    // A table op without a hand-written loop takes the same broadcasting path.
    expect(read(backend.binary("greaterEqual", a, t([2, 5, 9, 0], [4, 1]), { shape: [2, 4, 3], dtype: "bool" }))).toEqual([
      0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0, 0, 0, 1, 1, 1,
    ]);
  });

  it("broadcasts a scalar on either side and a middle axis", () => {
    const { backend, t, read } = harness();
    const x = t([1, 2, 3, 4], [2, 2]);
    const s = t([10], []);
    expect(read(backend.binary("div", x, s, { shape: [2, 2], dtype: "float32" }))).toEqual([0.1, 0.2, 0.3, 0.4].map(Math.fround));
    expect(read(backend.binary("sub", s, x, { shape: [2, 2], dtype: "float32" }))).toEqual([9, 8, 7, 6]);
    // [2,1,2] * [1,3,1] exercises strides 0 on different axes for each operand.
    const a = t([1, 2, 3, 4], [2, 1, 2]);
    const b = t([1, 10, 100], [1, 3, 1]);
    expect(read(backend.binary("mul", a, b, { shape: [2, 3, 2], dtype: "float32" }))).toEqual([
      1, 2, 10, 20, 100, 200, 3, 4, 30, 40, 300, 400,
    ]);
    expect(read(backend.binary("pow", t([2], []), t([3], []), { shape: [], dtype: "float32" }))).toEqual([8]);
  });

  it("wraps int32 add, sub and mul around 32 bits", () => {
    const { backend, t, read } = harness();
    const out = { shape: [3], dtype: "int32" } as const;
    const a = t([2147483647, -2147483648, 65536], [3], "int32");
    const b = t([1, -1, 65536], [3], "int32");
    expect(read(backend.binary("add", a, b, out))).toEqual([-2147483648, 2147483647, 131072]);
    expect(read(backend.binary("sub", a, b, out))).toEqual([2147483646, -2147483647, 0]);
    // 65536² = 2³² wraps to 0; 46341² = 2147488281 wraps to 2147488281 - 2³².
    expect(read(backend.binary("mul", a, b, out))).toEqual([2147483647, -2147483648, 0]);
    const c = t([46341, 123456789, -7], [3], "int32");
    const d = t([46341, 987654321, 3], [3], "int32");
    expect(read(backend.binary("mul", c, d, out))).toEqual([-2147479015, Number(BigInt.asIntN(32, 123456789n * 987654321n)), -21]);
    expect(read(backend.binary("maximum", c, d, out))).toEqual([46341, 987654321, 3]);
  });

  it("rounds float32 results on store, and keeps float64 exact", () => {
    const { backend, t, read } = harness();
    const a32 = t([0.1, 16777216], [2], "float32");
    const b32 = t([0.2, 1], [2], "float32");
    const sum32 = read(backend.binary("add", a32, b32, { shape: [2], dtype: "float32" }));
    expect(sum32).toEqual([Math.fround(Math.fround(0.1) + Math.fround(0.2)), 16777216]);
    expect(sum32[0]).toBe(0.30000001192092896);
    const sum64 = read(backend.binary("add", t([0.1, 16777216], [2], "float64"), t([0.2, 1], [2], "float64"), { shape: [2], dtype: "float64" }));
    expect(sum64).toEqual([0.30000000000000004, 16777217]);
  });

  it("gives bool results for comparisons and logical ops", () => {
    const { backend, t, read } = harness();
    const out = { shape: [4], dtype: "bool" } as const;
    const a = t([1, 2, 3, NaN], [4]);
    const b = t([2], []);
    expect(read(backend.binary("less", a, b, out))).toEqual([1, 0, 0, 0]);
    expect(read(backend.binary("equal", a, b, out))).toEqual([0, 1, 0, 0]);
    expect(read(backend.binary("notEqual", a, a, out))).toEqual([0, 0, 0, 1]);
    const p = t([1, 1, 0, 0], [4], "bool");
    const q = t([1, 0, 1, 0], [4], "bool");
    expect(read(backend.binary("logicalAnd", p, q, out))).toEqual([1, 0, 0, 0]);
    expect(read(backend.binary("logicalOr", p, q, out))).toEqual([1, 1, 1, 0]);
    expect(read(backend.binary("equal", p, q, out))).toEqual([1, 0, 0, 1]);
  });

  it("handles empty shapes", () => {
    const { backend, t, read } = harness();
    const empty = t([], [0, 3]);
    expect(read(backend.binary("add", empty, t([1, 2, 3], [3]), { shape: [0, 3], dtype: "float32" }))).toEqual([]);
  });
});

describe("unary", () => {
  it("applies the table's reference functions", () => {
    const { backend, t, read } = harness();
    const x = t([0.5, 1.5, 2.5, 3.5, -1.5, -2.5, 2.4], [7], "float64");
    const out = { shape: [7], dtype: "float64" } as const;
    // round is half-to-even, unlike Math.round.
    expect(read(backend.unary("round", x, out))).toEqual([0, 2, 2, 4, -2, -2, 2]);
    expect(read(backend.unary("floor", x, out))).toEqual([0, 1, 2, 3, -2, -3, 2]);
    expect(read(backend.unary("exp", t([0, 1], [2], "float64"), { shape: [2], dtype: "float64" }))).toEqual([1, Math.E]);
    expect(read(backend.unary("exp", t([1], [1]), { shape: [1], dtype: "float32" }))).toEqual([Math.fround(Math.E)]);
    expect(read(backend.unary("isNaN", t([NaN, 1, Infinity], [3]), { shape: [3], dtype: "bool" }))).toEqual([1, 0, 0]);
    expect(read(backend.unary("logicalNot", t([1, 0], [2], "bool"), { shape: [2], dtype: "bool" }))).toEqual([0, 1]);
  });

  it("wraps int32 results (neg and abs of -2³¹ stay -2³¹)", () => {
    const { backend, t, read } = harness();
    const x = t([-2147483648, -5, 0, 7], [4], "int32");
    const out = { shape: [4], dtype: "int32" } as const;
    expect(read(backend.unary("neg", x, out))).toEqual([-2147483648, 5, 0, -7]);
    expect(read(backend.unary("abs", x, out))).toEqual([-2147483648, 5, 0, 7]);
    expect(read(backend.unary("sign", x, out))).toEqual([-1, -1, 0, 1]);
  });
});

describe("where", () => {
  it("selects with broadcasting of all three operands", () => {
    const { backend, t, read } = harness();
    const cond = t([1, 0], [2, 1], "bool");
    const a = t([1, 2, 3], [3]);
    const b = t([-1], []);
    expect(read(backend.where(cond, a, b, { shape: [2, 3], dtype: "float32" }))).toEqual([1, 2, 3, -1, -1, -1]);
    const ai = t([5, 6], [2, 1], "int32");
    const bi = t([7, 8, 9], [1, 3], "int32");
    const c = t([1, 0, 1], [3], "bool");
    expect(read(backend.where(c, ai, bi, { shape: [2, 3], dtype: "int32" }))).toEqual([5, 8, 5, 6, 8, 6]);
  });
});

describe("fill", () => {
  it("stores the value as the dtype holds it", () => {
    const { backend, read } = harness();
    expect(read(backend.fill(0.1, { shape: [2], dtype: "float32" }))).toEqual([Math.fround(0.1), Math.fround(0.1)]);
    expect(read(backend.fill(0.1, { shape: [1], dtype: "float64" }))).toEqual([0.1]);
    expect(read(backend.fill(-2.7, { shape: [2], dtype: "int32" }))).toEqual([-2, -2]);
    expect(read(backend.fill(5, { shape: [3], dtype: "bool" }))).toEqual([1, 1, 1]);
    expect(read(backend.fill(7, { shape: [], dtype: "float32" }))).toEqual([7]);
    expect(read(backend.fill(7, { shape: [2, 0], dtype: "float32" }))).toEqual([]);
  });
});

describe("cast", () => {
  it("truncates floats toward zero into int32, NaN to 0", () => {
    const { backend, t, read } = harness();
    const x = t([1.7, -1.7, NaN, 0, 2.5, -0.5], [6]);
    expect(read(backend.cast(x, { shape: [6], dtype: "int32" }))).toEqual([1, -1, 0, 0, 2, 0]);
  });

  it("makes anything non-zero true and bool 0/1 numbers", () => {
    const { backend, t, read } = harness();
    expect(read(backend.cast(t([0, -3, 0.25, NaN], [4]), { shape: [4], dtype: "bool" }))).toEqual([0, 1, 1, 1]);
    expect(read(backend.cast(t([0, 5], [2], "int32"), { shape: [2], dtype: "bool" }))).toEqual([0, 1]);
    expect(read(backend.cast(t([1, 0], [2], "bool"), { shape: [2], dtype: "float32" }))).toEqual([1, 0]);
    expect(read(backend.cast(t([1, 0], [2], "bool"), { shape: [2], dtype: "int32" }))).toEqual([1, 0]);
  });

  it("rounds into float32 and widens into float64 exactly", () => {
    const { backend, t, read } = harness();
    expect(read(backend.cast(t([16777217], [1], "int32"), { shape: [1], dtype: "float32" }))).toEqual([16777216]);
    expect(read(backend.cast(t([0.1], [1], "float64"), { shape: [1], dtype: "float32" }))).toEqual([Math.fround(0.1)]);
    expect(read(backend.cast(t([0.1], [1], "float32"), { shape: [1], dtype: "float64" }))).toEqual([Math.fround(0.1)]);
  });
});
