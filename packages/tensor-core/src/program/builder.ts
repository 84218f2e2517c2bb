import { castValue, fitValue, type DType } from "../dtype.js";
import { DTypeError, expectDType } from "../errors.js";
import { binaryOps, unaryOps, type BinaryOp, type UnaryOp } from "../primitives.js";
import { programKey, type ElementwiseProgram, type MultiOutputProgram, type ProgramNode } from "./ir.js";

/** A value inside a program under construction: a node index and the dtype of its result. */
export interface Expr {
  readonly node: number;
  readonly dtype: DType;
}

/** An operand: a program value, or a plain number (or boolean) that takes the other operand's dtype. */
export type ExprLike = Expr | number | boolean;

/**
 * Builds an `ElementwiseProgram` with the op layer's checks: each node's dtypes are checked against the op
 * table exactly as the tensor op of the same name checks them, and errors name `op`, the public op the program
 * implements. Numbers become constants in the other operand's dtype (never tensors).
 *
 * ```ts
 * const b = new ProgramBuilder("relu", ["float32"]);
 * const x = b.input(0);
 * const relu = b.build(b.where(b.binary("greater", x, 0), x, 0));
 * ```
 */
export class ProgramBuilder {
  private readonly nodes: ProgramNode[] = [];
  private readonly inputNodes: (Expr | undefined)[];

  constructor(
    readonly op: string,
    readonly inputs: readonly DType[],
  ) {
    this.inputNodes = inputs.map(() => undefined);
  }

  /** Input `index` of the call (broadcast to the output's shape). */
  input(index: number): Expr {
    const dtype = this.inputs[index];
    if (dtype === undefined) throw new RangeError(`program '${this.op}' has ${this.inputs.length} inputs, not ${index + 1}`);
    return (this.inputNodes[index] ??= this.push({ kind: "input", dtype, index }));
  }

  /** A scalar constant, stored as `dtype` stores it. */
  constant(value: number | boolean, dtype: DType): Expr {
    const stored = castValue(Number(value), dtype);
    return this.push({ kind: "constant", dtype, value: dtype === "float32" ? Math.fround(stored) : stored });
  }

  unary(op: UnaryOp, x: Expr): Expr {
    const info = unaryOps[op];
    expectDType({ op: this.op, argument: "x" }, x.dtype, info.dtypes);
    return this.push({ kind: "unary", dtype: info.result === "bool" ? "bool" : x.dtype, op, x: x.node });
  }

  binary(op: BinaryOp, a: ExprLike, b: ExprLike): Expr {
    const [ea, eb] = this.pair(a, b);
    if (ea.dtype !== eb.dtype) {
      throw new DTypeError({ op: this.op, argument: "b" }, `dtypes differ: a is ${ea.dtype}, b is ${eb.dtype}; cast one first, e.g. b.cast("${ea.dtype}")`);
    }
    const info = binaryOps[op];
    expectDType({ op: this.op, argument: "a" }, ea.dtype, info.dtypes);
    return this.push({ kind: "binary", dtype: info.result === "bool" ? "bool" : ea.dtype, op, a: ea.node, b: eb.node });
  }

  /** `condition ? a : b`; `condition` is bool. */
  where(condition: Expr, a: ExprLike, b: ExprLike): Expr {
    expectDType({ op: this.op, argument: "condition" }, condition.dtype, ["bool"]);
    const [ea, eb] = this.pair(a, b);
    if (ea.dtype !== eb.dtype) throw new DTypeError({ op: this.op, argument: "b" }, `dtypes differ: a is ${ea.dtype}, b is ${eb.dtype}; cast one first`);
    return this.push({ kind: "where", dtype: ea.dtype, condition: condition.node, a: ea.node, b: eb.node });
  }

  /** Converts to `dtype` as `Backend.cast` does; a cast to the same dtype is the value itself. */
  cast(x: Expr, dtype: DType): Expr {
    return x.dtype === dtype ? x : this.push({ kind: "cast", dtype, x: x.node });
  }

  /** The finished program, writing `result` to the output. */
  build(result: Expr): ElementwiseProgram {
    const nodes = this.nodes.slice();
    return { nodes, inputs: this.inputs, result: result.node, key: programKey(nodes, result.node) };
  }

  /** The finished program with several results, written to one output each in this order. */
  buildOutputs(results: readonly Expr[]): MultiOutputProgram {
    const nodes = this.nodes.slice();
    const indices = results.map((r) => r.node);
    return { nodes, inputs: this.inputs, results: indices, key: `${programKey(nodes, indices[0]!)}+${indices.slice(1).join(",")}/${this.inputs.length}` };
  }

  /** Two operands as values: a number takes the other's dtype (float32 when both are numbers). */
  private pair(a: ExprLike, b: ExprLike): [Expr, Expr] {
    const ref = typeof a === "object" ? a.dtype : typeof b === "object" ? b.dtype : typeof a === "boolean" ? "bool" : "float32";
    return [this.lift(a, ref, "a"), this.lift(b, ref, "b")];
  }

  private lift(value: ExprLike, dtype: DType, argument: string): Expr {
    if (typeof value === "object") return value;
    // A user's number takes the one value-to-dtype path, so 3e9 or NaN next to an int32 tensor is refused, not wrapped.
    return this.constant(fitValue({ op: this.op, argument }, Number(value), dtype), dtype);
  }

  private push(node: ProgramNode): Expr {
    this.nodes.push(node);
    return { node: this.nodes.length - 1, dtype: node.dtype };
  }
}
