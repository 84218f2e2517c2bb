import * as nt from "@neurite/tensor-core";
import type { DType, Tensor } from "@neurite/tensor-core";
import { fusedChain } from "./fused.js";

/**
 * Differential testing of a backend against backend-cpu: random programs of tensor-core ops (random ranks
 * 0–4, shapes with size-1 and empty axes, broadcasting in both directions, float32 / int32 / bool), run on
 * both backends with every intermediate value compared.
 *
 * A program is plain data: a list of nodes, each a literal leaf or one tensor-core call whose arguments
 * refer to earlier nodes. The same data is run by `runProgram`, shrunk by `shrink` and printed by
 * `printProgram` as TypeScript, so a failure prints exactly what ran, with the literal input values.
 *
 * Values are "exact" when both backends must hold them bit for bit: uploaded leaves, int32 and bool
 * arithmetic, and what movement, max/min, abs/neg, casts and comparisons make of exact values. Ops that are
 * discontinuous (floor, round, sign, comparisons, argmax, float → int casts) only take exact inputs, since a
 * last-bit difference would change their result; float arithmetic results are compared within tolerance.
 */

// --- programs as data ---

export type Literal = number | string | boolean | readonly Literal[] | { readonly [key: string]: Literal };
export interface Ref {
  readonly $ref: number;
}
/** `nt[$call](...args)`, then `[pick]` of the result when given (for `split`). */
export interface Call {
  readonly $call: string;
  readonly args: readonly Arg[];
  readonly pick?: number;
}
export type Arg = Ref | Call | Literal | readonly Arg[] | { readonly [key: string]: Arg };

export interface Leaf {
  readonly kind: "leaf";
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly values: readonly number[];
}
export interface OpNode {
  readonly kind: "op";
  readonly expr: Call;
  /** Whether both backends must agree bit for bit (see the module comment). */
  readonly exact: boolean;
}
export type Node = Leaf | OpNode;

export interface Program {
  readonly seed: number;
  readonly nodes: readonly Node[];
}

export const ref = (i: number): Ref => ({ $ref: i });
export const call = (name: string, ...args: Arg[]): Call => ({ $call: name, args });

export function isObject(a: Arg): a is { readonly [key: string]: Arg } {
  return typeof a === "object" && !Array.isArray(a);
}
export function isRef(a: Arg): a is Ref {
  return isObject(a) && "$ref" in a;
}
export function isCall(a: Arg): a is Call {
  return isObject(a) && "$call" in a;
}

export type AnyFunction = (...args: unknown[]) => unknown;

/** Calls of the differential test itself, besides tensor-core's (see fused.ts). */
const TEST_CALLS: Readonly<Record<string, unknown>> = { fusedChain };

export function evaluate(a: Arg, values: readonly Tensor[]): unknown {
  if (typeof a !== "object") return a;
  if (Array.isArray(a)) return (a as readonly Arg[]).map((x) => evaluate(x, values));
  if (isRef(a)) return values[a.$ref]!;
  if (isCall(a)) {
    const fn = (TEST_CALLS[a.$call] as AnyFunction | undefined) ?? (nt as unknown as Record<string, AnyFunction | undefined>)[a.$call];
    if (fn === undefined) throw new Error(`test bug: tensor-core has no ${a.$call}`);
    const result = fn(...a.args.map((x) => evaluate(x, values)));
    return a.pick === undefined ? result : (result as unknown[])[a.pick];
  }
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, evaluate(v, values)]));
}

/** The refs an argument reads. */
export function refsOf(a: Arg, out: Set<number> = new Set()): Set<number> {
  if (typeof a !== "object") return out;
  if (Array.isArray(a)) for (const x of a as readonly Arg[]) refsOf(x, out);
  else if (isRef(a)) out.add(a.$ref);
  else if (isCall(a)) for (const x of a.args) refsOf(x, out);
  else for (const v of Object.values(a)) refsOf(v, out);
  return out;
}

export function renumber(a: Arg, map: ReadonlyMap<number, number>): Arg {
  if (typeof a !== "object") return a;
  if (Array.isArray(a)) return (a as readonly Arg[]).map((x) => renumber(x, map));
  if (isRef(a)) return ref(map.get(a.$ref)!);
  if (isCall(a)) return { ...a, args: a.args.map((x) => renumber(x, map)) };
  return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, renumber(v, map)]));
}


// --- printing ---

export function literal(v: number): string {
  if (Object.is(v, -0)) return "-0";
  return String(v);
}

export function print(a: Arg): string {
  if (typeof a === "number") return literal(a);
  if (typeof a === "string") return JSON.stringify(a);
  if (typeof a === "boolean") return String(a);
  if (Array.isArray(a)) return `[${(a as readonly Arg[]).map(print).join(", ")}]`;
  if (isRef(a)) return `v${a.$ref}`;
  if (isCall(a)) return `${a.$call in TEST_CALLS ? "" : "nt."}${a.$call}(${a.args.map(print).join(", ")})${a.pick === undefined ? "" : `[${a.pick}]`}`;
  const entries = Object.entries(a);
  return entries.length === 0 ? "{}" : `{ ${entries.map(([k, v]) => `${k}: ${print(v)}`).join(", ")} }`;
}

export function printNode(node: Node): string {
  if (node.kind === "op") return print(node.expr);
  return `nt.tensor(${print(node.values)}, { shape: ${print(node.shape)}, dtype: ${JSON.stringify(node.dtype)} })`;
}

/** The program as a runnable TypeScript module that prints the last value on both backends. */
export function printProgram(program: Program, note: string): string {
  const last = program.nodes.length - 1;
  return [
    `// ${note}`,
    `import * as nt from "@neurite/tensor-core";`,
    `import { cpu } from "@neurite/backend-cpu";`,
    `import { webgpu } from "@neurite/backend-webgpu";`,
    `import { create } from "webgpu";`,
    `import { fusedChain } from "./testing/differential/fused.js"; // in packages/backend-webgpu/src`,
    ``,
    `const gpu = create([]);`,
    `for (const backend of [cpu(), await webgpu({ gpu })]) {`,
    `  await nt.setBackend(backend);`,
    ...program.nodes.map((node, i) => `  const v${i} = ${printNode(node)};`),
    `  console.log(v${last}.dtype, v${last}.shape, Array.from(await v${last}.data()));`,
    `}`,
  ].join("\n");
}

