import { ProgramBuilder, type BinaryOp, type DType, type ElementwiseProgram, type Expr, type UnaryOp } from "@neurite/tensor-core";

/**
 * Random elementwise programs over float32, bool and int32 inputs, for differential tests of program
 * compilers: every op the Wasm compiler takes, constants with special values, comparisons feeding `where`
 * (int32 values compared with each other and with int32 constants, as class indices are), casts both ways,
 * and nodes the result does not use. With `transcendental`, exp/log/tanh and friends join the exact ops.
 */

const EXACT_UNARY: readonly UnaryOp[] = ["neg", "abs", "sign", "floor", "ceil", "round", "sqrt"];
const TRANSCENDENTAL_UNARY: readonly UnaryOp[] = ["exp", "expm1", "log", "log1p", "tanh"];
const ARITHMETIC: readonly BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum"];
const COMPARISON: readonly BinaryOp[] = ["equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"];
const BOOL_BINARY: readonly BinaryOp[] = ["equal", "notEqual", "logicalAnd", "logicalOr"];
const CONSTANTS: readonly number[] = [0, -0, 1, -1, 0.5, 2.5, 3, 100, Infinity, -Infinity, Number.NaN];
const INT_CONSTANTS: readonly number[] = [0, 1, -1, 2, 3, 2147483647, -2147483648];

export function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** A program of 3–10 random nodes over inputs of `dtypes`; its result is the last node (float32 or bool, never int32). */
export function randomProgram(rand: () => number, dtypes: readonly DType[], transcendental: boolean): ElementwiseProgram {
  const b = new ProgramBuilder("random", dtypes);
  const floats: Expr[] = [];
  const bools: Expr[] = [];
  const ints: Expr[] = [];
  dtypes.forEach((d, i) => (d === "bool" ? bools : d === "int32" ? ints : floats).push(b.input(i)));
  if (floats.length === 0) floats.push(b.cast(bools[0] ?? b.binary("greater", ints[0]!, 0), "float32"));
  const float = (): Expr | number => (rand() < 0.3 ? pick(rand, CONSTANTS) : pick(rand, floats));
  let last = floats.at(-1)!;
  for (let step = 0, steps = 3 + Math.floor(rand() * 8); step < steps; step++) {
    const r = rand();
    let e: Expr;
    if (r < 0.3) e = b.unary(pick(rand, transcendental && rand() < 0.5 ? TRANSCENDENTAL_UNARY : EXACT_UNARY), pick(rand, floats));
    else if (r < 0.6) {
      const op = pick(rand, ARITHMETIC);
      e = rand() < 0.5 ? b.binary(op, pick(rand, floats), float()) : b.binary(op, float(), pick(rand, floats));
    } else if (r < 0.7 && ints.length > 0 && rand() < 0.5) e = b.binary(pick(rand, COMPARISON), pick(rand, ints), rand() < 0.3 ? pick(rand, INT_CONSTANTS) : pick(rand, ints));
    else if (r < 0.7) e = rand() < 0.2 ? b.unary("isNaN", pick(rand, floats)) : b.binary(pick(rand, COMPARISON), pick(rand, floats), float());
    else if (r < 0.78 && bools.length > 0) {
      e = rand() < 0.3 ? b.unary("logicalNot", pick(rand, bools)) : b.binary(pick(rand, BOOL_BINARY), pick(rand, bools), rand() < 0.2 ? rand() < 0.5 : pick(rand, bools));
    } else if (r < 0.92 && bools.length > 0) e = rand() < 0.15 ? b.where(pick(rand, bools), pick(rand, bools), rand() < 0.5) : b.where(pick(rand, bools), pick(rand, floats), float());
    else e = rand() < 0.5 && bools.length > 0 ? b.cast(pick(rand, bools), "float32") : b.cast(pick(rand, floats), "bool");
    (e.dtype === "bool" ? bools : floats).push(e);
    last = e;
  }
  return b.build(last);
}

/** A shape that broadcasts to `shape`: some leading axes dropped, some axes 1, sometimes a scalar. */
export function broadcastable(rand: () => number, shape: readonly number[]): number[] {
  if (rand() < 0.15) return [];
  const kept = shape.slice(Math.floor(rand() * (shape.length + 1) * 0.5));
  return kept.map((d) => (rand() < 0.3 ? 1 : d));
}
