import { binaryOps, unaryOps, type BinaryOp, type DType, type UnaryOp } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { EXACT, FLOAT, sharedPair, randomInts, randomValues, seeded, TRANSCENDENTAL, type Input } from "../testing/harness.js";

const pair = sharedPair();

/** Edge values every float op sees: signed zeros, infinities, NaN, tiny and huge magnitudes, halves. */
const EDGES = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-7, -1e-7, 1e-3, 3.75, -3.75, 20, -20, 88, -88, 1e30, -1e30, Infinity, -Infinity, NaN];

const TRANSCENDENTALS = new Set<UnaryOp>(["exp", "expm1", "log", "log1p", "sqrt", "sin", "cos", "tanh"]);

describe("unary on float32", () => {
  const rand = seeded(1);
  const values = [...EDGES, ...randomValues(rand, 41, -4, 4), ...randomValues(rand, 20, 0, 3)];
  for (const op of Object.keys(unaryOps) as UnaryOp[]) {
    if (!(unaryOps[op].dtypes as readonly DType[]).includes("float32")) continue;
    it(`${op} matches backend-cpu, edge values included`, async () => {
      const out = { shape: [values.length], dtype: unaryOps[op].result === "bool" ? "bool" : "float32" } as const;
      await (await pair()).compare([{ values, shape: [values.length] }], (b, [x]) => b.unary(op, x!, out), TRANSCENDENTALS.has(op) ? TRANSCENDENTAL : FLOAT, op);
    });
  }

  it("keeps relative precision of expm1, log1p and log near zero", async () => {
    const small = [1e-6, -1e-6, 3e-5, -2e-4, 0.01, -0.01, 0.3, -0.3];
    const out = { shape: [small.length], dtype: "float32" } as const;
    const rel = { atol: 0, rtol: 1e-5 };
    await (await pair()).compare([{ values: small, shape: [small.length] }], (b, [x]) => b.unary("expm1", x!, out), rel, "expm1");
    await (await pair()).compare([{ values: small, shape: [small.length] }], (b, [x]) => b.unary("log1p", x!, out), rel, "log1p");
    const nearOne = small.map((v) => 1 + v);
    await (await pair()).compare([{ values: nearOne, shape: [small.length] }], (b, [x]) => b.unary("log", x!, out), { atol: 0, rtol: 1e-4 }, "log");
  });

  it("reduces sin and cos arguments exactly at every magnitude", async () => {
    const rand = seeded(7);
    const values: number[] = [];
    for (let e = -10; e < 128; e += 1) values.push(Math.fround((rand() < 0.5 ? -1 : 1) * (1 + rand()) * 2 ** e));
    values.push(Math.fround(Math.PI / 4), Math.fround(Math.PI / 2), Math.fround(Math.PI), 3.4028234663852886e38, 12867.69140625);
    const out = { shape: [values.length], dtype: "float32" } as const;
    const tol = { atol: 2e-7, rtol: 1e-6 };
    await (await pair()).compare([{ values, shape: [values.length] }], (b, [x]) => b.unary("sin", x!, out), tol, "sin");
    await (await pair()).compare([{ values, shape: [values.length] }], (b, [x]) => b.unary("cos", x!, out), tol, "cos");
  });

  it("rounds half to even", async () => {
    const halves = [0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.5, 1e7 + 0.5];
    const out = { shape: [halves.length], dtype: "float32" } as const;
    const got = await (await pair()).compare([{ values: halves, shape: [halves.length] }], (b, [x]) => b.unary("round", x!, out), EXACT);
    expect(got).toEqual([0, 2, 2, -0, -2, -2, 4, 1e7]);
  });
});

describe("unary on int32 and bool", () => {
  it("neg, abs and sign wrap like Int32Array at -2³¹", async () => {
    const values = [0, 1, -1, 7, -7, 2147483647, -2147483648];
    const out = { shape: [values.length], dtype: "int32" } as const;
    for (const op of ["neg", "abs", "sign"] as const) {
      await (await pair()).compare([{ values, shape: [values.length], dtype: "int32" }], (b, [x]) => b.unary(op, x!, out), EXACT, op);
    }
  });

  it("logicalNot flips bools", async () => {
    const got = await (await pair()).compare([{ values: [0, 1, 1, 0], shape: [4], dtype: "bool" }], (b, [x]) => b.unary("logicalNot", x!, { shape: [4], dtype: "bool" }), EXACT);
    expect(got).toEqual([1, 0, 0, 1]);
  });
});

describe("binary", () => {
  const rand = seeded(2);
  const a: Input = { values: [...randomValues(rand, 12, -3, 3), 0, -0, Infinity, NaN, 2, -2, 0.5, -8], shape: [2, 10] };
  const b: Input = { values: [...randomValues(rand, 12, -3, 3), 0, 0, -Infinity, 1, 3, 3, -1, 1 / 3], shape: [2, 10] };
  for (const op of Object.keys(binaryOps) as BinaryOp[]) {
    if (!(binaryOps[op].dtypes as readonly DType[]).includes("float32")) continue;
    const dtype = binaryOps[op].result === "bool" ? "bool" : "float32";
    it(`${op} on float32 matches backend-cpu, same shapes and broadcast`, async () => {
      const tol = op === "pow" ? TRANSCENDENTAL : FLOAT;
      await (await pair()).compare([a, b], (k, [x, y]) => k.binary(op, x!, y!, { shape: [2, 10], dtype }), tol, `${op} same`);
      // [2,1,3] with [4,1] → [2,4,3]; and a scalar on the left.
      const x3: Input = { values: randomValues(rand, 6, 0.1, 3), shape: [2, 1, 3] };
      const y3: Input = { values: randomValues(rand, 4, 0.1, 3), shape: [4, 1] };
      await (await pair()).compare([x3, y3], (k, [x, y]) => k.binary(op, x!, y!, { shape: [2, 4, 3], dtype }), tol, `${op} broadcast`);
      await (await pair()).compare([{ values: [1.5], shape: [] }, x3], (k, [x, y]) => k.binary(op, x!, y!, { shape: [2, 1, 3], dtype }), tol, `${op} scalar`);
    });
  }

  it("reads rows, columns and blocks broadcast over leading or trailing dims", async () => {
    const rand = seeded(8);
    const cases: [number[], number[]][] = [
      [[5, 7], [7]],
      [[5, 7], [5, 1]],
      [[2, 3, 4], [3, 4]],
      [[2, 3, 4], [2, 1, 1]],
      [[2, 3, 4], [1, 3, 1]],
    ];
    for (const [shape, other] of cases) {
      const x: Input = { values: randomValues(rand, shape.reduce((p, d) => p * d, 1)), shape };
      const y: Input = { values: randomValues(rand, other.reduce((p, d) => p * d, 1)), shape: other };
      await (await pair()).compare([x, y], (k, [a, b]) => k.binary("sub", a!, b!, { shape, dtype: "float32" }), EXACT, `[${shape.join(",")}] - [${other.join(",")}]`);
      await (await pair()).compare([y, x], (k, [a, b]) => k.binary("sub", a!, b!, { shape, dtype: "float32" }), EXACT, `[${other.join(",")}] - [${shape.join(",")}]`);
    }
  });

  it("pow follows Math.pow on negative bases, zeros and infinities", async () => {
    const bases = [-2, -2, -2, -0, -0, 0, 0, 1, 1, -1, -Infinity, -Infinity, Infinity, NaN, 4, 0.5];
    const exps = [3, 2, 0.5, 3, -3, -1, 0, Infinity, NaN, -Infinity, 3, 0.5, -2, 0, 0.5, -Infinity];
    await (await pair()).compare(
      [
        { values: bases, shape: [16] },
        { values: exps, shape: [16] },
      ],
      (k, [x, y]) => k.binary("pow", x!, y!, { shape: [16], dtype: "float32" }),
      TRANSCENDENTAL,
    );
  });

  it("divides by zero as IEEE does", async () => {
    const got = await (await pair()).compare(
      [
        { values: [1, -1, 0, 1, NaN], shape: [5] },
        { values: [0, 0, 0, -0, 0], shape: [5] },
      ],
      (k, [x, y]) => k.binary("div", x!, y!, { shape: [5], dtype: "float32" }),
      EXACT,
    );
    expect(got.slice(0, 2)).toEqual([Infinity, -Infinity]);
  });

  it("wraps int32 add, sub and mul around 32 bits and compares ints", async () => {
    const rand = seeded(3);
    const x: Input = { values: [2147483647, -2147483648, 65536, 46341, 123456789, ...randomInts(rand, 11, -1e9, 1e9)], shape: [16], dtype: "int32" };
    const y: Input = { values: [1, -1, 65536, 46341, 987654321, ...randomInts(rand, 11, -1e9, 1e9)], shape: [16], dtype: "int32" };
    for (const op of ["add", "sub", "mul", "maximum", "minimum", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"] as const) {
      const dtype = binaryOps[op].result === "bool" ? "bool" : "int32";
      await (await pair()).compare([x, y], (k, [a, b]) => k.binary(op, a!, b!, { shape: [16], dtype }), EXACT, op);
    }
    // Broadcast int32 over a row.
    await (await pair()).compare([x, { values: [3], shape: [1], dtype: "int32" }], (k, [a, b]) => k.binary("mul", a!, b!, { shape: [16], dtype: "int32" }), EXACT);
  });

  it("runs the logical ops and bool comparisons", async () => {
    const x: Input = { values: [0, 0, 1, 1], shape: [4], dtype: "bool" };
    const y: Input = { values: [0, 1, 0, 1], shape: [4], dtype: "bool" };
    const out = { shape: [4], dtype: "bool" } as const;
    expect(await (await pair()).compare([x, y], (k, [a, b]) => k.binary("logicalAnd", a!, b!, out), EXACT)).toEqual([0, 0, 0, 1]);
    expect(await (await pair()).compare([x, y], (k, [a, b]) => k.binary("logicalOr", a!, b!, out), EXACT)).toEqual([0, 1, 1, 1]);
    expect(await (await pair()).compare([x, y], (k, [a, b]) => k.binary("equal", a!, b!, out), EXACT)).toEqual([1, 0, 0, 1]);
    expect(await (await pair()).compare([x, y], (k, [a, b]) => k.binary("notEqual", a!, b!, out), EXACT)).toEqual([0, 1, 1, 0]);
  });

  it("reads four elements at a time where the shapes allow it, and one at a time where they do not", async () => {
    // [rows, width] times a row ([width]) and a column ([rows, 1]): widths and row counts that make the vec4
    // kernel's periods powers of two (mask/shift), other multiples of 4 (modulo/division), and no vec4 at all.
    const rand = seeded(11);
    for (const [rows, width] of [
      [8, 16],
      [8, 12],
      [5, 20],
      [12, 8],
      [6, 6],
      [3, 5],
      [16, 1],
    ] as const) {
      const x: Input = { values: randomValues(rand, rows * width), shape: [rows, width] };
      const row: Input = { values: randomValues(rand, width), shape: [width] };
      const column: Input = { values: randomValues(rand, rows), shape: [rows, 1] };
      const out = { shape: [rows, width], dtype: "float32" } as const;
      await (await pair()).compare([x, row], (k, [a, b]) => k.binary("mul", a!, b!, out), EXACT, `[${rows}, ${width}] · row`);
      await (await pair()).compare([x, column], (k, [a, b]) => k.binary("sub", a!, b!, out), EXACT, `[${rows}, ${width}] − column`);
      await (await pair()).compare([column, row], (k, [a, b]) => k.binary("add", a!, b!, out), EXACT, `column + row (strided)`);
      await (await pair()).compare([x, { values: [2], shape: [] }], (k, [a, b]) => k.binary("maximum", a!, b!, out), EXACT, `[${rows}, ${width}] max scalar`);
    }
  });

  it("gives empty results for 0-size tensors", async () => {
    const got = await (await pair()).compare(
      [
        { values: [], shape: [0, 3] },
        { values: [1, 2, 3], shape: [3] },
      ],
      (k, [a, b]) => k.binary("add", a!, b!, { shape: [0, 3], dtype: "float32" }),
    );
    expect(got).toEqual([]);
  });
});

describe("where, cast and fill", () => {
  it("selects with a broadcast condition", async () => {
    const rand = seeded(4);
    await (await pair()).compare(
      [
        { values: [1, 0, 1], shape: [3], dtype: "bool" },
        { values: randomValues(rand, 6), shape: [2, 3] },
        { values: [7], shape: [] },
      ],
      (k, [c, a, b]) => k.where(c!, a!, b!, { shape: [2, 3], dtype: "float32" }),
      EXACT,
    );
    await (await pair()).compare(
      [
        { values: [0, 1], shape: [2, 1], dtype: "bool" },
        { values: [1, 2, 3], shape: [3], dtype: "int32" },
        { values: [-1, -2, -3, -4, -5, -6], shape: [2, 3], dtype: "int32" },
      ],
      (k, [c, a, b]) => k.where(c!, a!, b!, { shape: [2, 3], dtype: "int32" }),
      EXACT,
    );
  });

  it("casts between every pair of dtypes as typed arrays convert", async () => {
    const floats = [0, -0, 0.5, -0.5, 1.9, -1.9, 2147483520, 3e9, -3e9, 1e20, -1e20, Infinity, -Infinity, NaN, 16777217, 123.456];
    const ints = [0, 1, -1, 2147483647, -2147483648, 16777217, 123456789, -7];
    const bools = [0, 1, 1, 0];
    const sources: [DType, number[]][] = [
      ["float32", floats],
      ["int32", ints],
      ["bool", bools],
    ];
    for (const [from, values] of sources) {
      for (const to of ["float32", "int32", "bool"] as const) {
        const tol = from === "int32" && to === "float32" ? { atol: 0, rtol: 1e-7 } : EXACT;
        await (await pair()).compare([{ values, shape: [values.length], dtype: from }], (k, [x]) => k.cast(x!, { shape: [values.length], dtype: to }), tol, `${from}→${to}`);
      }
    }
  });

  it("fills every dtype, converting the value as the dtype stores it", async () => {
    const cases: [number, DType][] = [
      [3.25, "float32"],
      [-Infinity, "float32"],
      [NaN, "float32"],
      [-7.9, "int32"],
      [0.2, "bool"],
      [0, "bool"],
    ];
    for (const [value, dtype] of cases) {
      await (await pair()).compare([], (k) => k.fill(value, { shape: [3, 5], dtype }), EXACT, `fill ${value} ${dtype}`);
    }
    expect(await (await pair()).compare([], (k) => k.fill(1, { shape: [0], dtype: "float32" }))).toEqual([]);
  });
});
