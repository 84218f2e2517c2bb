import { ProgramBuilder, resultProgram, runOutputs, runProgram, setBackend, type Backend, type DType, type ElementwiseProgram, type Expr } from "@neurite/tensor-core";
import { baseContractOnly } from "../base-contract.js";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand, type Operand } from "../check.js";
import { defineCase } from "../define.js";
import { broadcastShape } from "../reference/nd.js";
import { programRef } from "../reference/program.js";
import type { Rng } from "../rng.js";
import { toleranceFor, type ToleranceKind } from "../tolerance.js";

/*
 * Elementwise programs (the optional `elementwise` capability). Each case builds a program, runs it through
 * the op layer — as one kernel on a backend with the capability — and compares it with the float64
 * reference that stores every node in its dtype. Each case also runs with the backend seen through the base
 * contract only, where the engine expands the program into primitive kernels: both paths must agree with
 * the reference, NaN, ±∞, −0 (seen through 1/x) and int32 wrap-around included.
 */

const GROUP = "programs";

interface ProgramCase {
  readonly name: string;
  readonly dtypes: readonly DType[];
  readonly kind: ToleranceKind;
  /** Input dtypes and shapes; values are drawn by `draw` (specials mixed in). */
  readonly inputs: readonly (readonly [DType, readonly number[]])[];
  readonly draw: (rng: Rng, dtype: DType, count: number) => number[];
  readonly body: (p: ProgramBuilder, ...xs: Expr[]) => Expr;
  /** An output shape larger than the inputs' broadcast shape. */
  readonly shape?: readonly number[];
}

const FLOAT_SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, 1e-30, 3.4e38];
const INT_SPECIALS = [-2147483648, 2147483647, -1, 0, 1, 65536, 46341];

/** Every special value (rotated by a random shift, so two inputs pair different specials), then random ones. */
function mixed(rng: Rng, dtype: DType, count: number): number[] {
  const specials = dtype === "int32" ? INT_SPECIALS : dtype === "bool" ? [0, 1] : FLOAT_SPECIALS;
  const random = dtype === "int32" ? rng.range(count, dtype, -100000, 100000) : dtype === "bool" ? rng.range(count, "int32", 0, 1) : rng.range(count, dtype, -4, 4);
  const shift = rng.int(0, specials.length - 1);
  return random.map((v, i) => (i < specials.length ? specials[(i + shift) % specials.length]! : v)).map((v) => (dtype === "float32" ? Math.fround(v) : v));
}

function floatChain(dtype: DType): ProgramCase {
  return {
    name: `${dtype}/chain with constants, comparisons, where and broadcasting`,
    dtypes: [dtype, "bool"],
    kind: "transcendental",
    inputs: [
      [dtype, [3, 1, 4]],
      [dtype, [5, 4]],
    ],
    draw: mixed,
    // where(x·2.5 + y > 0, exp(−|x − y|), y / 0.5) − 1/(x·(−1)): the last term is ∓∞ for ±0, so −0 shows.
    body: (p, x, y) => {
      const s = p.binary("add", p.binary("mul", x, 2.5), y);
      const picked = p.where(p.binary("greater", s, 0), p.unary("exp", p.unary("neg", p.unary("abs", p.binary("sub", x, y)))), p.binary("div", y, 0.5));
      return p.binary("sub", picked, p.binary("div", 1, p.binary("mul", x, -1)));
    },
  };
}

const CASES: readonly ProgramCase[] = [
  floatChain("float32"),
  floatChain("float64"),
  {
    name: "int32/wrap-around of mul, add and neg",
    dtypes: ["int32"],
    kind: "exact",
    inputs: [
      ["int32", [14]],
      ["int32", [14]],
    ],
    draw: mixed,
    body: (p, a, b) => p.unary("neg", p.binary("sub", p.binary("add", p.binary("mul", a, 65537), 2147483647), p.binary("maximum", b, -7))),
  },
  {
    name: "casts: float32 → int32 (truncation, NaN → 0) → bool → float32, and int32 → float32",
    dtypes: ["float32", "int32", "bool"],
    kind: "exact",
    inputs: [
      ["float32", [2, 10]],
      ["int32", [10]],
    ],
    draw: (rng, dtype, count) => (dtype === "float32" ? mixed(rng, dtype, count).map((v) => (Number.isFinite(v) && Math.abs(v) > 1e9 ? 7.5 : v)) : mixed(rng, dtype, count)),
    body: (p, x, n) => {
      const truncated = p.cast(x, "int32");
      const nonZero = p.cast(p.cast(truncated, "bool"), "float32");
      return p.binary("add", p.binary("mul", nonZero, p.cast(truncated, "float32")), p.cast(n, "float32"));
    },
  },
  {
    name: "bool logic: and, or, not of comparisons, with NaN comparing false",
    dtypes: ["float32", "bool"],
    kind: "exact",
    inputs: [
      ["float32", [4, 6]],
      ["float32", [6]],
      ["bool", [4, 1]],
    ],
    draw: mixed,
    body: (p, x, y, c) =>
      p.binary("logicalOr", p.binary("logicalAnd", p.binary("lessEqual", x, y), c), p.unary("logicalNot", p.binary("equal", x, x))),
  },
  {
    name: "float32/sign, neg and where keep −0",
    dtypes: ["float32", "bool"],
    kind: "exact",
    inputs: [["float32", [10]]],
    draw: mixed,
    // 1 / sign(−x) is −∞ for x = +0 and +∞ for x = −0; the where picks between ±0 constants.
    body: (p, x) => p.binary("add", p.binary("div", 1, p.unary("sign", p.unary("neg", x))), p.binary("div", 1, p.where(p.binary("less", x, 0), -0, 0))),
  },
  {
    name: "float32/scalar inputs and a scalar output",
    dtypes: ["float32"],
    kind: "exact",
    inputs: [
      ["float32", []],
      ["float32", []],
    ],
    draw: mixed,
    body: (p, x, y) => p.binary("minimum", p.binary("mul", x, y), 3),
  },
  {
    name: "float32/empty inputs",
    dtypes: ["float32"],
    kind: "exact",
    inputs: [
      ["float32", [0, 3]],
      ["float32", [1, 3]],
    ],
    draw: mixed,
    body: (p, x, y) => p.binary("add", x, y),
  },
  {
    name: "float32/large, every broadcast mode at once [37, 1, 61] [61] [37, 1, 1] []",
    dtypes: ["float32"],
    kind: "exact",
    inputs: [
      ["float32", [37, 1, 61]],
      ["float32", [61]],
      ["float32", [37, 1, 1]],
      ["float32", []],
    ],
    draw: mixed,
    shape: [37, 3, 61],
    body: (p, a, b, c, d) => p.binary("add", p.binary("mul", a, b), p.binary("sub", c, d)),
  },
  {
    name: "float32/the result is an input, broadcast to the output shape",
    dtypes: ["float32"],
    kind: "exact",
    inputs: [["float32", [3]]],
    draw: mixed,
    shape: [2, 3],
    body: (_p, x) => x,
  },
  {
    name: "int32/the result is a constant",
    dtypes: ["int32"],
    kind: "exact",
    inputs: [["int32", [2, 2]]],
    draw: mixed,
    body: (p) => p.constant(-5, "int32"),
  },
];

/** Runs one case's program through the op layer on `backend` (which must be the current backend). */
function runCase(c: ProgramCase, label: string, rng: Rng): Promise<void> {
  const inputs: Operand[] = c.inputs.map(([dtype, shape], i) => operand(`x${i}`, dtype, shape, c.draw(rng, dtype, shape.reduce((n, d) => n * d, 1))));
  const builder = new ProgramBuilder("program", c.inputs.map(([d]) => d));
  const program: ElementwiseProgram = builder.build(c.body(builder, ...c.inputs.map((_, i) => builder.input(i))));
  const shape = c.shape ?? broadcastShape(...inputs.map((o) => o.shape));
  const out = program.nodes[program.result]!.dtype;
  const want = expected(programRef(program, inputs, shape), out, toleranceFor(out, c.kind));
  return checkOp(label, inputs, (ts) => runProgram("program", program, ts, c.shape === undefined ? {} : { shape: c.shape }), want);
}

/**
 * One case's program with several results (the optional `elementwiseMulti` capability): its result and the
 * two nodes before it, each compared with the reference of that node as a program of its own.
 */
function runOutputsCase(c: ProgramCase, label: string, rng: Rng): Promise<void> {
  const inputs: Operand[] = c.inputs.map(([dtype, shape], i) => operand(`x${i}`, dtype, shape, c.draw(rng, dtype, shape.reduce((n, d) => n * d, 1))));
  const builder = new ProgramBuilder("program", c.inputs.map(([d]) => d));
  const last = c.body(builder, ...c.inputs.map((_, i) => builder.input(i)));
  const nodes = builder.build(last).nodes;
  const results = [last, ...[last.node - 1, last.node - 2].filter((k) => k >= 0).map((k) => ({ node: k, dtype: nodes[k]!.dtype }))];
  const program = builder.buildOutputs(results);
  const shape = c.shape ?? broadcastShape(...inputs.map((o) => o.shape));
  const wants = results.map((r, i) => expected(programRef(resultProgram(program, i), inputs, shape), r.dtype, toleranceFor(r.dtype, c.kind)));
  return checkOp(label, inputs, (ts) => runOutputs("program", program, ts, c.shape === undefined ? {} : { shape: c.shape }), wants);
}

/** Runs `run` with `backend` seen through the base contract only (programs expanded into primitives). */
async function expanded(backend: Backend, run: () => Promise<void>): Promise<void> {
  await setBackend(baseContractOnly(backend));
  try {
    await run();
  } finally {
    await setBackend(backend);
  }
}

/** The program cases, each on the backend as it is and through the base contract only, with one and several results. */
export function programCases(): ConformanceCase[] {
  return CASES.flatMap((c) => [
    defineCase(GROUP, `program/${c.name}`, c.dtypes, ({ rng, name }) => runCase(c, name, rng)),
    defineCase(GROUP, `program/${c.name}/expanded into primitives`, c.dtypes, ({ backend, rng, name }) => expanded(backend, () => runCase(c, name, rng))),
    defineCase(GROUP, `program/${c.name}/several results`, c.dtypes, ({ rng, name }) => runOutputsCase(c, name, rng)),
    defineCase(GROUP, `program/${c.name}/several results expanded into primitives`, c.dtypes, ({ backend, rng, name }) => expanded(backend, () => runOutputsCase(c, name, rng))),
  ]);
}
