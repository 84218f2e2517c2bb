import { broadcastStrides, collapseAxes, sizeOf } from "@neurite/tensor-core";
import type { BinaryOp, ElementwiseProgram, MultiOutputProgram, OutputSpec, UnaryOp } from "@neurite/tensor-core";
import { asFunction, binaryExpr, castExpr, mapKernel, mapWorkgroups, unaryExpr, type MapSpec, type Mode } from "../kernels/elementwise.wgsl.js";
import { fillKernel, MOVE_WORKGROUP } from "../kernels/movement.wgsl.js";
import { programOutputsSpec, programSpec } from "../kernels/program.wgsl.js";
import { flatWorkgroups, scalarOf } from "../kernels/wgsl.js";
import { isContiguous } from "../shape.js";
import { ELEMENT_BYTES } from "../buffers.js";
import { valueBits, type KernelContext, type Output, type Resolved } from "./context.js";

/**
 * Runs a map kernel over inputs broadcast to `out.shape`. The broadcast walk is collapsed first, then each
 * input is classified (see `Mode`). Only `strided` inputs need per-element coordinates, and the pipeline key
 * records the classification, so `x + 1`, `x + bias` and `x + y` of equal shapes each compile their own
 * lean variant.
 */
export function runMap(ctx: KernelContext, op: string, spec: MapSpec, inputs: readonly Resolved[], out: OutputSpec, constantWords: readonly number[] = []): Output {
  return runMapOutputs(ctx, op, spec, inputs, [out], constantWords)[0]!;
}

/** `runMap` for a spec with several results (`spec.more`): one output per result, all of the call's shape, written by one dispatch. */
export function runMapOutputs(ctx: KernelContext, op: string, spec: MapSpec, inputs: readonly Resolved[], outs: readonly OutputSpec[], constantWords: readonly number[] = []): Output[] {
  const out = outs[0]!;
  const results = outs.map((o) => ctx.allocate(op, o.shape, o.dtype));
  const size = sizeOf(out.shape);
  if (size === 0) return results;
  const walk = collapseAxes(
    out.shape,
    inputs.map((x) => broadcastStrides(x.shape, out.shape)),
  );
  const last = walk.shape.length - 1;
  const inner = walk.shape[last] ?? 1;
  const classified = inputs.map((x, k): { mode: Mode; words: number[] } => {
    const strides = walk.strides[k]!;
    if (sizeOf(x.shape) === 1) return { mode: "scalar", words: [] };
    if (isContiguous(walk.shape, strides)) return { mode: "same", words: [] };
    if (last > 0 && strides[last] === 1 && strides.slice(0, last).every((s) => s === 0)) return { mode: "row", words: [inner] };
    if (last > 0 && strides[last] === 0 && isContiguous(walk.shape.slice(0, last), strides.slice(0, last))) return { mode: "outer", words: [inner] };
    return { mode: "strided", words: strides };
  });
  const strided = classified.some((c) => c.mode === "strided");
  const rank = strided ? walk.shape.length : 0;
  // Four elements per item where every input lines up with whole vec4s of the output.
  const vec4 = !strided && size % 4 === 0 && classified.every((c) => c.words.every((w) => w % 4 === 0));
  const lanes = vec4 ? 4 : 1;
  const items = size / lanes;
  const modes = classified.map((c): { mode: Mode; words: number[] } => {
    if (c.mode !== "row" && c.mode !== "outer") return c;
    const period = c.words[0]! / lanes;
    if ((period & (period - 1)) !== 0) return { mode: c.mode, words: [period] };
    return c.mode === "row" ? { mode: "rowMask", words: [period - 1] } : { mode: "outerShift", words: [Math.log2(period)] };
  });
  const params = [items, ...(strided ? walk.shape : []), ...modes.flatMap((c) => c.words), ...constantWords];
  ctx.run(
    mapKernel(
      spec,
      modes.map((c) => c.mode),
      rank,
      vec4,
    ),
    inputs.map((x) => x.buffer),
    results.map((r) => r.buffer),
    params,
    mapWorkgroups(items, vec4),
  );
  return results;
}

export function unary(ctx: KernelContext, op: UnaryOp, x: Resolved, out: OutputSpec): Output {
  const t = scalarOf(x.dtype);
  const r = scalarOf(out.dtype);
  const expr = unaryExpr(op, t);
  const spec: MapSpec = {
    name: `unary.${op}`,
    inputs: [t],
    output: r,
    expr: "f_(v0)",
    helpers: expr.helpers,
    functions: asFunction("f_", [["x", t]], r, expr),
  };
  return runMap(ctx, op, spec, [x], out);
}

export function binary(ctx: KernelContext, op: BinaryOp, a: Resolved, b: Resolved, out: OutputSpec): Output {
  const t = scalarOf(a.dtype);
  const r = scalarOf(out.dtype);
  const expr = binaryExpr(op, t);
  const spec: MapSpec = {
    name: `binary.${op}`,
    inputs: [t, t],
    output: r,
    expr: "f_(v0, v1)",
    helpers: expr.helpers,
    functions: asFunction(
      "f_",
      [
        ["a", t],
        ["b", t],
      ],
      r,
      expr,
    ),
  };
  return runMap(ctx, op, spec, [a, b], out);
}

export function where(ctx: KernelContext, condition: Resolved, a: Resolved, b: Resolved, out: OutputSpec): Output {
  const t = scalarOf(out.dtype);
  const spec: MapSpec = { name: "where", inputs: ["u32", t, t], output: t, expr: "select(v2, v1, v0 != 0u)", helpers: [] };
  return runMap(ctx, "where", spec, [condition, a, b], out);
}

export function cast(ctx: KernelContext, x: Resolved, out: OutputSpec): Output {
  if (x.dtype === out.dtype) {
    const result = ctx.allocate("cast", out.shape, out.dtype);
    ctx.copy(x.buffer, 0, result.buffer, 0, result.size * ELEMENT_BYTES);
    return result;
  }
  const t = scalarOf(x.dtype);
  const r = scalarOf(out.dtype);
  const expr = castExpr(t, r);
  const spec: MapSpec = { name: "cast", inputs: [t], output: r, expr: "f_(v0)", helpers: expr.helpers, functions: asFunction("f_", [["x", t]], r, expr) };
  return runMap(ctx, "cast", spec, [x], out);
}

/** Writes `value` (as `out.dtype` stores it) to every element of a fresh output. */
export function fill(ctx: KernelContext, op: string, value: number, out: OutputSpec): Output {
  const result = ctx.allocate(op, out.shape, out.dtype);
  fillInto(ctx, result, valueBits(value, out.dtype));
  return result;
}

export function fillInto(ctx: KernelContext, target: Output, bits: number): void {
  if (target.size === 0) return;
  ctx.run(fillKernel(), [], target.buffer, [target.size, bits], flatWorkgroups(target.size, MOVE_WORKGROUP));
}

/** Runs an elementwise program as one map kernel (see kernels/program.wgsl.ts); constants travel as uniforms. */
const specs = new Map<string, MapSpec>();

export function program(ctx: KernelContext, source: ElementwiseProgram, inputs: readonly Resolved[], out: OutputSpec): Output {
  let spec = specs.get(source.key);
  if (spec === undefined) specs.set(source.key, (spec = programSpec(source)));
  return runMap(ctx, "elementwise", spec, inputs, out, constantBits(source));
}

/** Multi-output program specs by key (kept apart from `specs`: the two kinds of key are built differently). */
const multiSpecs = new Map<string, MapSpec>();

/** Runs a program with several results as one map kernel that writes one output per result. */
export function programOutputs(ctx: KernelContext, source: MultiOutputProgram, inputs: readonly Resolved[], outs: readonly OutputSpec[]): Output[] {
  let spec = multiSpecs.get(source.key);
  if (spec === undefined) multiSpecs.set(source.key, (spec = programOutputsSpec(source)));
  return runMapOutputs(ctx, "elementwiseMulti", spec, inputs, outs, constantBits(source));
}

/** The uniform words of a program's constants, in node order (as its WGSL reads them, `k0…`). */
function constantBits(source: ElementwiseProgram | MultiOutputProgram): number[] {
  const words: number[] = [];
  for (const node of source.nodes) if (node.kind === "constant") words.push(valueBits(node.value, node.dtype));
  return words;
}
