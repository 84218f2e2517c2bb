import { binaryOps, mapOperands, operandsOf, programKey, unaryOps, type DType, type MultiOutputProgram, type ProgramNode } from "@neurite/tensor-core";

/** What the split reads of a program: its nodes and its inputs' dtypes. */
interface Nodes {
  readonly nodes: readonly ProgramNode[];
  readonly inputs: readonly DType[];
}

/**
 * Uniform values of an elementwise program: the nodes that read only constants and one-element inputs have
 * the same value at every position of the output, so they are computed once per call, here on the host, and
 * enter the SIMD loop as constants. Adam's bias corrections 1 − βᵗ from the device's int32 step count are
 * such nodes: computed per element they would need `pow` and an int32 → float32 cast in the loop (which
 * has neither), and the whole update would fall back to the TypeScript evaluator.
 *
 * A host value is what the evaluator (kernels/program.ts) stores for that node — the op table's float64
 * function, then rounded to the node's dtype (float32 rounds, int32 wraps, bool is 0 or 1) — so hoisting
 * changes no bits.
 */

/** A program split into the part computed once per call and the loop over the rest. */
export interface UniformSplit {
  /** Per node of the program: computed on the host (true) or in the loop. */
  readonly uniform: readonly boolean[];
  /**
   * The program the loop runs: the same inputs, the varying nodes, and each uniform node a varying one reads
   * turned into a constant; its results are the program's, in order. Null when a result is uniform (that
   * output is one value, repeated).
   */
  readonly loop: MultiOutputProgram | null;
  /** For each constant of `loop`, in node order, the node of the program whose host value it takes. */
  readonly sources: readonly number[];
}

/** Per node, whether it reads only constants and inputs of one element (`scalar[i]` for input i). */
export function uniformNodes(nodes: readonly ProgramNode[], scalar: readonly boolean[]): boolean[] {
  const uniform: boolean[] = [];
  // A constant has no operands: uniform.
  for (const node of nodes) uniform.push(node.kind === "input" ? scalar[node.index] === true : operandsOf(node).every((k) => uniform[k]));
  return uniform;
}

/** Splits `program` (writing `results`) for inputs of which `scalar[i]` says whether input i has one element. */
export function splitUniform(program: Nodes, results: readonly number[], scalar: readonly boolean[]): UniformSplit {
  const { nodes } = program;
  const uniform = uniformNodes(nodes, scalar);
  if (results.some((r) => uniform[r])) return { uniform, loop: null, sources: [] };
  // The loop's nodes: every varying node, and a constant for each uniform node a varying node reads.
  const loopNodes: ProgramNode[] = [];
  const sources: number[] = [];
  const at = new Map<number, number>();
  const operand = (k: number): number => {
    let j = at.get(k);
    if (j === undefined) {
      // Only uniform nodes are reached here before being placed: varying ones are placed in order.
      j = loopNodes.push({ kind: "constant", dtype: nodes[k]!.dtype, value: 0 }) - 1;
      sources.push(k);
      at.set(k, j);
    }
    return j;
  };
  nodes.forEach((node, i) => {
    if (!uniform[i]) at.set(i, loopNodes.push(mapOperands(node, operand)) - 1);
  });
  const loopResults = results.map((r) => at.get(r)!);
  // The key counts the inputs: a hoisted input has no node, but the loop still takes its pointer and stride.
  const key = `${programKey(loopNodes, loopResults[0]!)}+${loopResults.slice(1).join(",")}/${program.inputs.length}`;
  return { uniform, loop: { nodes: loopNodes, inputs: program.inputs, results: loopResults, key }, sources };
}

/**
 * The host value of every uniform node (other entries are left undefined), `scalarValue(i)` giving the one
 * element of input i.
 */
export function uniformValues(program: Nodes, uniform: readonly boolean[], scalarValue: (index: number) => number): number[] {
  const { nodes } = program;
  const values = new Array<number>(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    if (!uniform[i]) continue;
    const node = nodes[i]!;
    switch (node.kind) {
      case "input":
        values[i] = scalarValue(node.index);
        break;
      case "constant":
        values[i] = node.value;
        break;
      case "unary": {
        const info: { fn: (x: number) => number } = unaryOps[node.op];
        values[i] = stored(node.dtype, info.fn(values[node.x]!));
        break;
      }
      case "binary": {
        const info: { fn: (a: number, b: number) => number; intFn?: (a: number, b: number) => number } = binaryOps[node.op];
        const fn = nodes[node.a]!.dtype === "int32" && info.intFn !== undefined ? info.intFn : info.fn;
        values[i] = stored(node.dtype, fn(values[node.a]!, values[node.b]!));
        break;
      }
      case "where":
        values[i] = values[node.condition]! !== 0 ? values[node.a]! : values[node.b]!;
        break;
      case "cast":
        values[i] = node.dtype === "bool" ? (values[node.x]! !== 0 ? 1 : 0) : stored(node.dtype, values[node.x]!);
        break;
    }
  }
  return values;
}

/** `value` as a typed array of `dtype` stores it (bool results of the table are already 0 or 1). */
function stored(dtype: DType, value: number): number {
  return dtype === "float32" ? Math.fround(value) : dtype === "int32" ? value | 0 : value;
}
