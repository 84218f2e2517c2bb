import { ArgumentError, dtypesDiffer, expectDType } from "../errors.js";
import { binaryOps, unaryOps, type BinaryOp, type UnaryOp } from "../primitives.js";
import { broadcastShapes } from "../shape.js";
import { Tensor } from "../tensor.js";
import { engine } from "../engine.js";
import { fuse } from "../program/fuse.js";
import { disposeAll, kernel, operands, runOp, type TensorLike } from "./op.js";

/** Runs the unary primitive `op` (see `unaryOps` for its meaning and dtypes). */
export function unary(op: UnaryOp, x: Tensor): Tensor {
  return runOp(op, [x], {}, true, () => {
    const info = unaryOps[op];
    expectDType({ op, argument: "x" }, x.dtype, info.dtypes);
    const out = { shape: x.shape, dtype: info.result === "bool" ? "bool" : x.dtype } as const;
    return kernel(op, { x }, out, (backend, info) => backend.unary(op, info.x!, out));
  });
}

/** Runs the binary primitive `op` with NumPy broadcasting; numbers take the tensor operand's dtype. */
export function binary(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor {
  // A tensor and a number: the number is a constant of a one-node program, not a tensor of its own. While a
  // tape records, the op stays a primitive with two tensor inputs, as its gradient rule expects.
  if (engine.recorder === null && a instanceof Tensor !== b instanceof Tensor) {
    return a instanceof Tensor
      ? fuse(op, [a], (p, x) => p.binary(op, x, b as number | boolean), { names: ["a"] })
      : fuse(op, [b as Tensor], (p, x) => p.binary(op, a, x), { names: ["b"] });
  }
  const args = operands(op, a, b);
  try {
    const { a: ta, b: tb } = args;
    return runOp(op, [ta, tb], {}, true, () => {
      if (ta.dtype !== tb.dtype) {
        throw dtypesDiffer({ op, argument: "b", tensor: tb }, ta.dtype, tb.dtype, true);
      }
      const info = binaryOps[op];
      expectDType({ op, argument: "a" }, ta.dtype, info.dtypes);
      const shape = broadcastShapes(op, ta.shape, tb.shape);
      const out = { shape, dtype: info.result === "bool" ? "bool" : ta.dtype } as const;
      return kernel(op, { a: ta, b: tb }, out, (backend, info) => backend.binary(op, info.a!, info.b!, out));
    });
  } finally {
    disposeAll(args.temps);
  }
}

/**
 * `condition ? a : b`, elementwise, with all three broadcast together. `condition` is bool.
 *
 * ```ts
 * const x = tensor([-1, 0, 2]);
 * where(x.greater(0), x, 0); // relu: [0, 0, 2]
 * ```
 */
export function where(condition: Tensor, a: TensorLike, b: TensorLike): Tensor {
  const op = "where";
  expectDType({ op, argument: "condition" }, condition.dtype, ["bool"]);
  if (engine.recorder === null && !(a instanceof Tensor && b instanceof Tensor)) {
    const tensors = [condition, ...[a, b].filter((v): v is Tensor => v instanceof Tensor)];
    const names = ["condition", ...(a instanceof Tensor ? ["a"] : []), ...(b instanceof Tensor ? ["b"] : [])];
    return fuse(op, tensors, (p, c, ...rest) => {
      const ea = a instanceof Tensor ? rest.shift()! : a;
      const eb = b instanceof Tensor ? rest.shift()! : b;
      // Two numbers take no dtype from a tensor: like `operands`, they are float32 (bool for booleans).
      if (typeof ea !== "object" && typeof eb !== "object") {
        const dtype = typeof ea === "boolean" ? "bool" : "float32";
        return p.where(c, p.constant(ea, dtype), p.constant(eb, dtype));
      }
      return p.where(c, ea, eb);
    }, { names });
  }
  const args = operands(op, a, b);
  try {
    const { a: ta, b: tb } = args;
    return runOp(op, [condition, ta, tb], {}, true, () => {
      if (ta.dtype !== tb.dtype) {
        throw dtypesDiffer({ op, argument: "b" }, ta.dtype, tb.dtype);
      }
      const shape = broadcastShapes(op, broadcastShapes(op, condition.shape, ta.shape, ["condition", "a"]), tb.shape, ["condition & a", "b"]);
      const out = { shape, dtype: ta.dtype };
      return kernel(op, { condition, a: ta, b: tb }, out, (backend, info) => backend.where(info.condition!, info.a!, info.b!, out));
    });
  } finally {
    disposeAll(args.temps);
  }
}

// --- the unary primitives ---
/** −x. */
export const neg = (x: Tensor): Tensor => unary("neg", x);
/** |x|. */
export const abs = (x: Tensor): Tensor => unary("abs", x);
/** −1, 0 or 1 (NaN stays NaN). */
export const sign = (x: Tensor): Tensor => unary("sign", x);
/** eˣ. */
export const exp = (x: Tensor): Tensor => unary("exp", x);
/** eˣ − 1, accurate near 0. */
export const expm1 = (x: Tensor): Tensor => unary("expm1", x);
/** Natural logarithm. */
export const log = (x: Tensor): Tensor => unary("log", x);
/** ln(1 + x), accurate near 0. */
export const log1p = (x: Tensor): Tensor => unary("log1p", x);
/** √x. */
export const sqrt = (x: Tensor): Tensor => unary("sqrt", x);
/** Sine, elementwise (radians). */
export const sin = (x: Tensor): Tensor => unary("sin", x);
/** Cosine, elementwise (radians). */
export const cos = (x: Tensor): Tensor => unary("cos", x);
/** Hyperbolic tangent (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ), one of the course notes' activations. */
export const tanh = (x: Tensor): Tensor => unary("tanh", x);
/** Rounds down to the nearest integer, elementwise. */
export const floor = (x: Tensor): Tensor => unary("floor", x);
/** Rounds up to the nearest integer, elementwise. */
export const ceil = (x: Tensor): Tensor => unary("ceil", x);
/** Rounds half to even, as NumPy does. */
export const round = (x: Tensor): Tensor => unary("round", x);
/** Logical not of a bool tensor. */
export const logicalNot = (x: Tensor): Tensor => unary("logicalNot", x);
/** True where x is NaN. */
export const isNaN = (x: Tensor): Tensor => unary("isNaN", x);

// --- the binary primitives ---
/** a + b, broadcast. */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary("add", a, b);
/** a − b, broadcast. */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary("sub", a, b);
/** a · b elementwise, broadcast. */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary("mul", a, b);
/** a / b elementwise (float dtypes), broadcast. */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary("div", a, b);
/** aᵇ elementwise (float dtypes), broadcast. */
export const pow = (a: TensorLike, b: TensorLike): Tensor => binary("pow", a, b);
/** The larger of a and b, elementwise with broadcasting. */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary("maximum", a, b);
/** The smaller of a and b, elementwise with broadcasting. */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary("minimum", a, b);
/** a = b, elementwise with broadcasting; a bool tensor. */
export const equal = (a: TensorLike, b: TensorLike): Tensor => binary("equal", a, b);
/** a ≠ b, elementwise with broadcasting; a bool tensor. */
export const notEqual = (a: TensorLike, b: TensorLike): Tensor => binary("notEqual", a, b);
/** a < b, elementwise with broadcasting; a bool tensor. */
export const less = (a: TensorLike, b: TensorLike): Tensor => binary("less", a, b);
/** a ≤ b, elementwise with broadcasting; a bool tensor. */
export const lessEqual = (a: TensorLike, b: TensorLike): Tensor => binary("lessEqual", a, b);
/** a > b, elementwise with broadcasting; a bool tensor. */
export const greater = (a: TensorLike, b: TensorLike): Tensor => binary("greater", a, b);
/** a ≥ b, elementwise with broadcasting; a bool tensor. */
export const greaterEqual = (a: TensorLike, b: TensorLike): Tensor => binary("greaterEqual", a, b);
/** Logical and of two bool tensors, with broadcasting. */
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor => binary("logicalAnd", a, b);
/** Logical or of two bool tensors, with broadcasting. */
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor => binary("logicalOr", a, b);

// --- small composites ---
/** x², as x · x. */
export function square(x: Tensor): Tensor {
  expectDType({ op: "square", argument: "x" }, x.dtype, binaryOps.mul.dtypes);
  return runOp("square", [x], {}, false, () => fuse("square", [x], (p, v) => p.binary("mul", v, v)));
}

/** 1 / x. */
export function reciprocal(x: Tensor): Tensor {
  expectDType({ op: "reciprocal", argument: "x" }, x.dtype, binaryOps.div.dtypes);
  return runOp("reciprocal", [x], {}, false, () => fuse("reciprocal", [x], (p, v) => p.binary("div", 1, v)));
}

/**
 * Limits every value to [min, max].
 *
 * ```ts
 * tensor([-2, 0.5, 3]).clip(0, 1); // [0, 0.5, 1]
 * ```
 */
export function clip(x: Tensor, min: number, max: number): Tensor {
  return runOp("clip", [x], { min, max }, false, () => {
    expectDType({ op: "clip", argument: "x" }, x.dtype, binaryOps.maximum.dtypes);
    if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
      throw new ArgumentError({ op: "clip", argument: "min, max" }, `expected min ≤ max, got min=${min}, max=${max}`);
    }
    return fuse("clip", [x], (p, v) => p.binary("minimum", p.binary("maximum", v, min), max));
  });
}
