import type {
  allocate,
  binaryOps,
  broadcastStrides,
  collapseAxes,
  sizeOf,
  unaryOps,
  BinaryOp,
  DType,
  ElementwiseProgram,
  OutputSpec,
  ProgramNode,
  TypedArray,
  UnaryOp,
} from "@neurite/tensor-core";
import type { uniformNodes, uniformValues } from "../wasm/uniform.js";
import type { Input } from "./types.js";

/**
 * The `elementwise` capability on the plain TypeScript path: a block-wise evaluator of elementwise programs.
 *
 * The output is computed in blocks of `BLOCK` elements. For each block, every node of the program is
 * evaluated over the whole block into a scratch array of the node's dtype, node after node — so each node's
 * result is rounded to its dtype exactly as the primitive kernel would store it (a Float32Array rounds, an
 * Int32Array wraps, a Uint8Array holds bool's 0/1), and the fused program gives the bits of the unfused chain.
 * A block stays in the CPU cache between nodes, and no intermediate tensor is ever allocated: the memory a
 * program uses is its output plus a few reusable scratch blocks. Nothing is compiled (no `new Function`), so
 * this works under a strict Content-Security-Policy.
 *
 * The backend loads this module on demand (a page with WebAssembly never fetches it), so it imports nothing
 * from tensor-core at run time: a bundler would then move tensor-core into a chunk shared with this one, and
 * the page would load two chunks where it loads one. The helpers it needs come through `evaluator`, and so
 * do the uniform-node helpers the Wasm path shares with it (`wasm/uniform.ts`), for the same reason.
 */

/** The tensor-core and shared backend helpers the evaluator uses, as the backend hands them over. */
export interface CoreHelpers {
  readonly uniformNodes: typeof uniformNodes;
  readonly uniformValues: typeof uniformValues;
  readonly allocate: typeof allocate;
  readonly binaryOps: typeof binaryOps;
  readonly broadcastStrides: typeof broadcastStrides;
  readonly collapseAxes: typeof collapseAxes;
  readonly sizeOf: typeof sizeOf;
  readonly unaryOps: typeof unaryOps;
}

let core: CoreHelpers;

/** The evaluator, over tensor-core's `helpers` (every backend passes the same functions). */
export function evaluator(helpers: CoreHelpers): typeof evaluateProgram {
  core = helpers;
  return evaluateProgram;
}

export const BLOCK = 2048;

/** Free scratch blocks by dtype, reused across calls (evaluation is synchronous, so a stack suffices). */
const pool = new Map<DType, TypedArray[]>();

function take(dtype: DType): TypedArray {
  return pool.get(dtype)?.pop() ?? core.allocate(dtype, BLOCK);
}

function give(dtype: DType, block: TypedArray): void {
  let free = pool.get(dtype);
  if (free === undefined) pool.set(dtype, (free = []));
  free.push(block);
}

/** How an input is read for a block: a view of its own values, a repeated scalar, or a strided gather. */
interface Reader {
  readonly kind: "view" | "scalar" | "gather";
  readonly values: TypedArray;
  /** Broadcast strides over the collapsed output walk (gather only). */
  readonly strides: readonly number[];
}

function evaluateProgram(program: ElementwiseProgram, inputs: readonly Input[], out: OutputSpec): TypedArray {
  const n = core.sizeOf(out.shape);
  const dst = core.allocate(out.dtype, n);
  if (n === 0) return dst;
  const { nodes, result } = program;
  const walk = core.collapseAxes(
    out.shape,
    inputs.map((x) => core.broadcastStrides(x.shape, out.shape)),
  );
  const readers: Reader[] = inputs.map((x, k) => {
    if (x.values.length === n) return { kind: "view", values: x.values, strides: [] };
    if (x.values.length === 1) return { kind: "scalar", values: x.values, strides: [] };
    return { kind: "gather", values: x.values, strides: walk.strides[k]! };
  });
  // Nodes that read only constants and one-element inputs have one value for the whole output: computed once
  // (as the Wasm path does, with the same bits), not once per element — Adam's bias corrections, say.
  const uniform = core.uniformNodes(
    nodes,
    readers.map((r) => r.kind === "scalar"),
  );
  const hosted = uniform.includes(true) ? core.uniformValues(program, uniform, (k) => inputs[k]!.values[0]!) : [];
  if (uniform[result]) return dst.fill(hosted[result]!);
  // One scratch block per node (uniform values are filled once; views need none).
  const blocks: (TypedArray | null)[] = nodes.map((node) => {
    if (node.kind === "input" && readers[node.index]!.kind === "view") return null;
    return take(node.dtype);
  });
  try {
    for (let i = 0; i < nodes.length; i++) if (uniform[i]) blocks[i]!.fill(hosted[i]!);
    const values: TypedArray[] = new Array<TypedArray>(nodes.length);
    for (let start = 0; start < n; start += BLOCK) {
      const len = Math.min(BLOCK, n - start);
      for (let i = 0; i <= result; i++) {
        const node = nodes[i]!;
        if (node.kind === "input") {
          const reader = readers[node.index]!;
          if (reader.kind === "view") values[i] = reader.values.subarray(start, start + len);
          else {
            if (reader.kind === "gather") gather(reader, walk.shape, start, len, blocks[i]!);
            values[i] = blocks[i]!;
          }
          continue;
        }
        if (uniform[i] || node.kind === "constant") {
          values[i] = blocks[i]!;
          continue;
        }
        // The result node writes straight into the output.
        const target = i === result ? dst.subarray(start, start + len) : blocks[i]!;
        evaluateNode(node, nodes, values, target, len);
        values[i] = target;
      }
      if (nodes[result]!.kind === "input" || nodes[result]!.kind === "constant") dst.set(values[result]!.subarray(0, len), start);
    }
    return dst;
  } finally {
    nodes.forEach((node, i) => {
      const block = blocks[i];
      if (block !== null && block !== undefined) give(node.dtype, block);
    });
  }
}

/** Reads `len` elements of a broadcast input, from output position `start` on, into `block`. */
function gather(reader: Reader, shape: readonly number[], start: number, len: number, block: TypedArray): void {
  const { values, strides } = reader;
  const rank = shape.length;
  const coord = new Array<number>(rank);
  let offset = 0;
  let rem = start;
  for (let d = rank - 1; d >= 0; d--) {
    const c = rem % shape[d]!;
    rem = (rem - c) / shape[d]!;
    coord[d] = c;
    offset += c * strides[d]!;
  }
  const last = rank - 1;
  const inner = shape[last]!;
  const step = strides[last]!;
  let i = 0;
  while (i < len) {
    // A run along the last axis, then a carry into the outer axes.
    const run = Math.min(inner - coord[last]!, len - i);
    for (let j = 0; j < run; j++, offset += step) block[i + j] = values[offset]!;
    i += run;
    coord[last] = coord[last]! + run;
    for (let d = last; d > 0 && coord[d]! >= shape[d]!; d--) {
      offset -= coord[d]! * strides[d]!;
      coord[d] = 0;
      coord[d - 1] = coord[d - 1]! + 1;
      offset += strides[d - 1]!;
    }
  }
}

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

function evaluateNode(
  node: Exclude<ProgramNode, { kind: "input" | "constant" }>,
  nodes: readonly ProgramNode[],
  values: readonly TypedArray[],
  dst: TypedArray,
  len: number,
): void {
  switch (node.kind) {
    case "unary":
      unaryBlock(node.op, values[node.x]!, dst, len);
      return;
    case "binary":
      binaryBlock(node.op, values[node.a]!, values[node.b]!, dst, len, nodes[node.a]!.dtype === "int32");
      return;
    case "where": {
      const c = values[node.condition]!;
      const a = values[node.a]!;
      const b = values[node.b]!;
      for (let i = 0; i < len; i++) dst[i] = c[i] !== 0 ? a[i]! : b[i]!;
      return;
    }
    case "cast": {
      const x = values[node.x]!;
      if (node.dtype === "bool") for (let i = 0; i < len; i++) dst[i] = x[i] !== 0 ? 1 : 0;
      // A typed-array store converts as `Backend.cast` asks (ToInt32 truncation, float32 rounding).
      else for (let i = 0; i < len; i++) dst[i] = x[i]!;
      return;
    }
  }
}

// Hand-written loops for the common ops: the table's functions through one call site are megamorphic.
function unaryBlock(op: UnaryOp, x: TypedArray, dst: TypedArray, len: number): void {
  switch (op) {
    case "neg":
      for (let i = 0; i < len; i++) dst[i] = -x[i]!;
      return;
    case "exp":
      for (let i = 0; i < len; i++) dst[i] = Math.exp(x[i]!);
      return;
    case "log":
      for (let i = 0; i < len; i++) dst[i] = Math.log(x[i]!);
      return;
    case "sqrt":
      for (let i = 0; i < len; i++) dst[i] = Math.sqrt(x[i]!);
      return;
    case "tanh":
      for (let i = 0; i < len; i++) dst[i] = Math.tanh(x[i]!);
      return;
    case "abs":
      for (let i = 0; i < len; i++) dst[i] = Math.abs(x[i]!);
      return;
    default: {
      const fn: Unary = core.unaryOps[op].fn;
      for (let i = 0; i < len; i++) dst[i] = fn(x[i]!);
    }
  }
}

function binaryBlock(op: BinaryOp, a: TypedArray, b: TypedArray, dst: TypedArray, len: number, int: boolean): void {
  switch (op) {
    case "add":
      for (let i = 0; i < len; i++) dst[i] = a[i]! + b[i]!;
      return;
    case "sub":
      for (let i = 0; i < len; i++) dst[i] = a[i]! - b[i]!;
      return;
    case "mul":
      if (int) for (let i = 0; i < len; i++) dst[i] = Math.imul(a[i]!, b[i]!);
      else for (let i = 0; i < len; i++) dst[i] = a[i]! * b[i]!;
      return;
    case "div":
      for (let i = 0; i < len; i++) dst[i] = a[i]! / b[i]!;
      return;
    case "maximum":
      for (let i = 0; i < len; i++) dst[i] = Math.max(a[i]!, b[i]!);
      return;
    case "minimum":
      for (let i = 0; i < len; i++) dst[i] = Math.min(a[i]!, b[i]!);
      return;
    case "greater":
      for (let i = 0; i < len; i++) dst[i] = a[i]! > b[i]! ? 1 : 0;
      return;
    case "greaterEqual":
      for (let i = 0; i < len; i++) dst[i] = a[i]! >= b[i]! ? 1 : 0;
      return;
    case "less":
      for (let i = 0; i < len; i++) dst[i] = a[i]! < b[i]! ? 1 : 0;
      return;
    case "lessEqual":
      for (let i = 0; i < len; i++) dst[i] = a[i]! <= b[i]! ? 1 : 0;
      return;
    default: {
      const info: { fn: Binary; intFn?: Binary } = core.binaryOps[op];
      const fn = int && info.intFn !== undefined ? info.intFn : info.fn;
      for (let i = 0; i < len; i++) dst[i] = fn(a[i]!, b[i]!);
    }
  }
}
