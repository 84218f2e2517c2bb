import type { DType } from "../dtype.js";
import type { BinaryOp, UnaryOp } from "../primitives.js";

/**
 * # Elementwise programs
 *
 * A small expression over a kernel's inputs and scalar constants that a backend can run as one kernel. It is
 * the unit of fusion: `relu(x)` is the program `where(x > 0, x, 0)`, Adam's moment update is one program over
 * the moment and the gradient. A backend with the optional `elementwise` capability compiles it (WGSL on
 * WebGPU, a block-wise evaluator on the CPU, Wasm later); for any other backend the engine expands it into
 * the primitive kernels it is made of, so no backend has to support it.
 *
 * ## The IR
 * - `nodes` is in SSA form and topologically ordered: an operand is always the index of an earlier node.
 * - Every node has the dtype of its result. A node means exactly what the primitive of the same name means
 *   (see `unaryOps`, `binaryOps`, `Backend.where`, `Backend.cast`), including its rounding: the result is
 *   stored in the node's dtype before the next node reads it (float32 rounds, int32 wraps to 32 bits, bool is
 *   0 or 1). So a fused program gives the same bits as the kernels it replaces, node by node.
 * - `input` node `index` reads input `index` of the call; inputs broadcast NumPy-style to the output's shape,
 *   and every other node is computed at the output's shape. Each input index appears in at most one node.
 * - `constant` nodes hold a scalar already representable in their dtype (`castValue` applied). The program's
 *   `key` leaves constant *values* out, so a compiled kernel is reused when only the constants change (Adam's
 *   bias correction changes every step): a backend passes the values at run time, in node order.
 * - `result` is the node whose value is written to the output (of `out.dtype`, which is that node's dtype).
 *
 * A program is plain data (no closures), so a backend may compile it any way it likes and cache the result by
 * `key`; two programs with equal keys differ at most in their constants' values.
 */
export type ProgramNode =
  | { readonly kind: "input"; readonly dtype: DType; readonly index: number }
  | { readonly kind: "constant"; readonly dtype: DType; readonly value: number }
  | { readonly kind: "unary"; readonly dtype: DType; readonly op: UnaryOp; readonly x: number }
  | { readonly kind: "binary"; readonly dtype: DType; readonly op: BinaryOp; readonly a: number; readonly b: number }
  | { readonly kind: "where"; readonly dtype: DType; readonly condition: number; readonly a: number; readonly b: number }
  | { readonly kind: "cast"; readonly dtype: DType; readonly x: number };

/** A whole elementwise computation as one kernel: its nodes in order, its inputs' dtypes, the node that is the result, and a structural key (constants left out) for caching compiled kernels. */
export interface ElementwiseProgram {
  readonly nodes: readonly ProgramNode[];
  /** The dtype of each input, by input index. */
  readonly inputs: readonly DType[];
  /** Index of the node written to the output. */
  readonly result: number;
  /** The program's structure, constant values left out: equal keys compile to the same kernel. */
  readonly key: string;
}

/**
 * Several results of one elementwise pass over the same inputs: the nodes of `results` are written, in
 * order, to one output each (every output has the call's shape and its node's dtype). Adam's update is one:
 * the new moments and the new parameter from a single read of the gradient, the moments and the parameter.
 * A backend with the `elementwiseMulti` capability runs it as one kernel; elsewhere the engine runs each
 * result as a program of its own (`resultProgram`).
 */
export interface MultiOutputProgram {
  readonly nodes: readonly ProgramNode[];
  readonly inputs: readonly DType[];
  readonly results: readonly number[];
  /** The program's structure, constant values left out (as `ElementwiseProgram.key`). */
  readonly key: string;
}

/**
 * Result `i` of `program` as a program of its own: the nodes it reads, in their order.
 * It keeps every input, read or not, so its key also counts them: a key names only inputs that have a node,
 * and backends cache compiled kernels (which take every input) by key.
 */
export function resultProgram(program: MultiOutputProgram, i: number): ElementwiseProgram {
  // Only the nodes this result reads: the others' nodes (another output's arithmetic) would be evaluated for
  // nothing by a backend that computes every node it is given.
  const last = program.results[i]!;
  const live = program.nodes.map((_, k) => k === last);
  for (let k = last; k >= 0; k--) if (live[k]) for (const operand of operandsOf(program.nodes[k]!)) live[operand] = true;
  const at: number[] = [];
  const nodes: ProgramNode[] = [];
  program.nodes.forEach((node, k) => {
    if (!live[k]) return;
    at[k] = nodes.length;
    nodes.push(mapOperands(node, (k) => at[k]!));
  });
  const result = at[last]!;
  return { nodes, inputs: program.inputs, result, key: `${programKey(nodes, result)}/${program.inputs.length}` };
}

/**
 * `node` with each operand index `k` replaced by `map(k)`, called in operand order (`operandsOf`'s): what a
 * pass that drops or moves nodes uses to rebuild a program. An input or constant is returned as it is.
 *
 * ```ts
 * mapOperands({ kind: "binary", dtype: "float32", op: "add", a: 0, b: 1 }, (k) => k + 2); // … a: 2, b: 3
 * ```
 */
export function mapOperands(node: ProgramNode, map: (k: number) => number): ProgramNode {
  switch (node.kind) {
    case "input":
    case "constant":
      return node;
    case "unary":
    case "cast":
      return { ...node, x: map(node.x) };
    case "binary":
      return { ...node, a: map(node.a), b: map(node.b) };
    case "where":
      return { ...node, condition: map(node.condition), a: map(node.a), b: map(node.b) };
  }
}

/** The operands of `node`, as node indices. */
export function operandsOf(node: ProgramNode): readonly number[] {
  switch (node.kind) {
    case "input":
    case "constant":
      return [];
    case "unary":
    case "cast":
      return [node.x];
    case "binary":
      return [node.a, node.b];
    case "where":
      return [node.condition, node.a, node.b];
  }
}

const SHORT: Readonly<Record<DType, string>> = { float32: "f32", float64: "f64", int32: "i32", bool: "b" };

/** The structural key of a program (constants as `c:<dtype>`, values omitted). */
export function programKey(nodes: readonly ProgramNode[], result: number): string {
  const parts = nodes.map((n) => {
    const t = SHORT[n.dtype];
    switch (n.kind) {
      case "input":
        return `i${n.index}:${t}`;
      case "constant":
        return `c:${t}`;
      case "unary":
        return `${n.op}(${n.x})`;
      case "binary":
        return `${n.op}(${n.a},${n.b})`;
      case "where":
        return `where(${n.condition},${n.a},${n.b})`;
      case "cast":
        return `cast:${t}(${n.x})`;
    }
  });
  return `${parts.join(";")}>${result}`;
}

/** The constant values of a program, in node order (what a compiled kernel receives at run time). */
export function constantsOf(program: ElementwiseProgram): number[] {
  const values: number[] = [];
  for (const n of program.nodes) if (n.kind === "constant") values.push(n.value);
  return values;
}
