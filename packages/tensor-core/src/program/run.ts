import type { Backend, DataId, TensorInfo } from "../backend.js";
import { engine } from "../engine.js";
import { formatShape, ShapeError } from "../errors.js";
import { broadcastShapes, broadcastsTo, shapesEqual } from "../shape.js";
import { makeTensor, type Tensor } from "../tensor.js";
import { cast } from "../ops/cast.js";
import { binary, unary, where } from "../ops/elementwise.js";
import { broadcastTo } from "../ops/movement.js";
import { backendOf, kernel, requireDType, scalarOn } from "../ops/op.js";
import { operandsOf, type ElementwiseProgram, type ProgramNode } from "./ir.js";

/** Options of `runProgram` and `fuse`: the names of the inputs in error messages, and the output shape. */
export interface ProgramOptions {
  /** Argument names of the inputs in error messages (default `x`, or `inputs[i]`). */
  readonly names?: readonly string[];
  /** The output's shape, when it is larger than the inputs' broadcast shape (they broadcast to it). */
  readonly shape?: readonly number[];
}

/**
 * Runs `program` on `inputs` (broadcast together) and returns its result, in one of three ways:
 * - while an op recorder (autograd's tape) is watching, as the tensor ops the program is made of, so the tape
 *   sees and differentiates each one (a composite that wants to run fused under the tape gives itself a
 *   gradient rule: the tape then claims it and pauses recording);
 * - on a backend with the `elementwise` capability, as one kernel;
 * - on any other backend, expanded into the primitive kernels it is made of (constants become `fill`s).
 * The three give the same values: a node means what its primitive means (see `ElementwiseProgram`).
 */
export function runProgram(op: string, program: ElementwiseProgram, inputs: readonly Tensor[], options: ProgramOptions = {}): Tensor {
  const { argument, named, backend, shape } = programCall(op, inputs, options);
  if (engine.recorder !== null) return viaOps(backend, program, inputs, shape);
  for (const node of program.nodes) requireDType({ op }, backend, node.dtype);
  const out = { shape, dtype: program.nodes[program.result]!.dtype };
  if (backend.elementwise !== undefined) {
    // The backend is known (programCall checked every input): kernel need not look it up again.
    return kernel(op, named, out, (b, info) => b.elementwise!(program, Object.values(info), out), backend);
  }
  return makeTensor(
    backend,
    expand(
      backend,
      program,
      inputs.map((t, i) => t.info(op, argument(i))),
      shape,
    ),
    shape,
    out.dtype,
  );
}

/**
 * @internal What a program call over `inputs` runs on: the inputs by argument name (errors name them), their
 * backend, and the output shape (the inputs' broadcast, or `options.shape` when they broadcast to it).
 */
export function programCall(op: string, inputs: readonly Tensor[], options: ProgramOptions) {
  const argument = (i: number): string => options.names?.[i] ?? (inputs.length === 1 ? "x" : `inputs[${i}]`);
  const named: Record<string, Tensor> = {};
  inputs.forEach((t, i) => (named[argument(i)] = t));
  const backend = backendOf(op, named);
  const broadcast = inputs.reduce<readonly number[]>((s, t, i) => broadcastShapes(op, s, t.shape, ["the other inputs", argument(i)]), []);
  const shape = options.shape ?? broadcast;
  if (options.shape !== undefined && !broadcastsTo(broadcast, shape)) {
    throw new ShapeError({ op, argument: "shape" }, `the inputs broadcast to ${formatShape(broadcast)}, which does not broadcast to the output shape ${formatShape(shape)}`);
  }
  return { argument, named, backend, shape };
}

/** The program as tensor ops (recorded one by one). Constants stay numbers until an op needs a tensor. */
function viaOps(backend: Backend, program: ElementwiseProgram, inputs: readonly Tensor[], shape: readonly number[]): Tensor {
  const values: (Tensor | number)[] = [];
  const made: Tensor[] = [];
  const tensorAt = (i: number): Tensor => {
    const v = values[i]!;
    if (typeof v !== "number") return v;
    const t = scalarOn(backend, v, program.nodes[i]!.dtype);
    made.push(t);
    return t;
  };
  try {
    for (const node of program.nodes) {
      let value: Tensor | number;
      switch (node.kind) {
        case "input":
          value = inputs[node.index]!;
          break;
        case "constant":
          value = node.value;
          break;
        case "unary":
          value = unary(node.op, tensorAt(node.x));
          break;
        case "cast":
          value = cast(tensorAt(node.x), node.dtype);
          break;
        case "binary": {
          const a = values[node.a]!;
          value = binary(node.op, typeof a === "number" && typeof values[node.b] === "number" ? tensorAt(node.a) : a, values[node.b]!);
          break;
        }
        case "where": {
          const a = values[node.a]!;
          value = where(tensorAt(node.condition), typeof a === "number" && typeof values[node.b] === "number" ? tensorAt(node.a) : a, values[node.b]!);
          break;
        }
      }
      if (typeof value !== "number" && node.kind !== "input") made.push(value);
      values.push(value);
    }
    const result = tensorAt(program.result);
    // The output always has the broadcast shape and is a tensor of its own, even when the result is an input.
    if (!shapesEqual(result.shape, shape)) return broadcastTo(result, shape);
    return made.includes(result) ? (made.splice(made.indexOf(result), 1), result) : cast(result, result.dtype);
  } finally {
    for (const t of made) t.dispose();
  }
}

/**
 * Runs each node as its primitive kernel, at the broadcast shape of its operands, freeing every intermediate
 * after its last use (and all of them if a kernel throws). Returns the result's data.
 */
export function expand(backend: Backend, program: ElementwiseProgram, inputs: readonly TensorInfo[], shape: readonly number[]): DataId {
  const { nodes, result } = program;
  const lastUse = nodes.map(() => -1);
  nodes.forEach((node, i) => {
    for (const k of operandsOf(node)) lastUse[k] = i;
  });
  const infos: (TensorInfo | undefined)[] = [];
  const owned = new Set<number>();
  const free = (k: number): void => {
    if (owned.delete(k)) backend.disposeData(infos[k]!.data);
  };
  try {
    nodes.forEach((node, i) => {
      if (node.kind === "input") {
        infos.push(inputs[node.index]);
        return;
      }
      const info = runNode(backend, node, infos);
      infos.push(info);
      owned.add(i);
      for (const k of new Set(operandsOf(node))) if (lastUse[k] === i && k !== result) free(k);
    });
    const out = infos[result]!;
    // The result has the output's shape and is data of its own, even when it is an input or does not
    // depend on every input.
    if (!owned.has(result) || !shapesEqual(out.shape, shape)) return backend.broadcastTo(out, { shape, dtype: out.dtype });
    owned.delete(result);
    return out.data;
  } finally {
    for (const k of [...owned]) free(k);
  }
}

function runNode(backend: Backend, node: Exclude<ProgramNode, { kind: "input" }>, infos: readonly (TensorInfo | undefined)[]): TensorInfo {
  const at = (k: number): TensorInfo => infos[k]!;
  const shapeOf = (...ks: number[]): readonly number[] => ks.map((k) => at(k).shape).reduce((s, t) => broadcastShapes("elementwise", s, t), []);
  switch (node.kind) {
    case "constant": {
      const out = { shape: [], dtype: node.dtype };
      return { data: backend.fill(node.value, out), ...out };
    }
    case "unary": {
      const out = { shape: at(node.x).shape, dtype: node.dtype };
      return { data: backend.unary(node.op, at(node.x), out), ...out };
    }
    case "cast": {
      const out = { shape: at(node.x).shape, dtype: node.dtype };
      return { data: backend.cast(at(node.x), out), ...out };
    }
    case "binary": {
      const out = { shape: shapeOf(node.a, node.b), dtype: node.dtype };
      return { data: backend.binary(node.op, at(node.a), at(node.b), out), ...out };
    }
    case "where": {
      const out = { shape: shapeOf(node.condition, node.a, node.b), dtype: node.dtype };
      return { data: backend.where(at(node.condition), at(node.a), at(node.b), out), ...out };
    }
  }
}
