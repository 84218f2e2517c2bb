import type { ElementwiseProgram, MultiOutputProgram } from "@neurite/tensor-core";
import { asFunction, binaryExpr, castExpr, unaryExpr, type MapSpec } from "./elementwise.wgsl.js";
import { scalarOf, type Scalar } from "./wgsl.js";

/**
 * WGSL for an elementwise program: one map kernel whose body is the program's nodes as `let` statements,
 * each node through the same op → WGSL tables as the single-op kernels (so a fused chain computes exactly
 * what the chain of kernels computes; f32 arithmetic rounds every node as a stored intermediate would).
 * Inputs arrive as `v0…` (read by the map kernel's broadcast modes), constants as `k0…` from uniform words —
 * so the pipeline depends on the program's structure only, and changing a constant never recompiles.
 */
export function programSpec(program: ElementwiseProgram): MapSpec {
  return programOutputsSpec({ nodes: program.nodes, inputs: program.inputs, results: [program.result], key: program.key });
}

/**
 * WGSL for a program with several results: the same node statements, the results written to `out, out1, …`
 * in order. A single-result program is the case of one result (`programSpec`), so both compute every node
 * with the same code and give the same bits.
 */
export function programOutputsSpec(program: MultiOutputProgram): MapSpec {
  const functions = new Map<string, string>();
  const helpers = new Set<string>();
  const constants: Scalar[] = [];
  const lines: string[] = [];
  const name = (i: number): string => {
    const node = program.nodes[i]!;
    return node.kind === "input" ? `v${node.index}` : `t${i}`;
  };
  const call = (fn: string, params: readonly (readonly [string, Scalar])[], result: Scalar, expr: { expr: string; helpers: readonly string[] }): string => {
    if (!functions.has(fn)) {
      functions.set(fn, asFunction(fn, params, result, expr));
      for (const h of expr.helpers) helpers.add(h);
    }
    return fn;
  };
  program.nodes.forEach((node, i) => {
    const t = scalarOf(node.dtype);
    switch (node.kind) {
      case "input":
        return;
      case "constant":
        lines.push(`  let t${i} = k${constants.length};`);
        constants.push(t);
        return;
      case "unary": {
        const xt = scalarOf(program.nodes[node.x]!.dtype);
        const fn = call(`u_${node.op}_${xt}`, [["x", xt]], t, unaryExpr(node.op, xt));
        lines.push(`  let t${i} = ${fn}(${name(node.x)});`);
        return;
      }
      case "binary": {
        const at = scalarOf(program.nodes[node.a]!.dtype);
        const fn = call(
          `b_${node.op}_${at}`,
          [
            ["a", at],
            ["b", at],
          ],
          t,
          binaryExpr(node.op, at),
        );
        lines.push(`  let t${i} = ${fn}(${name(node.a)}, ${name(node.b)});`);
        return;
      }
      case "where":
        lines.push(`  let t${i} = select(${name(node.b)}, ${name(node.a)}, ${name(node.condition)} != 0u);`);
        return;
      case "cast": {
        const xt = scalarOf(program.nodes[node.x]!.dtype);
        // Same storage type (a cast the builder would not emit, or bool ↔ bool): the value itself.
        if (xt === t) lines.push(`  let t${i} = ${name(node.x)};`);
        else lines.push(`  let t${i} = ${call(`c_${xt}_${t}`, [["x", xt]], t, castExpr(xt, t))}(${name(node.x)});`);
        return;
      }
    }
  });
  const [first, ...rest] = program.results;
  return {
    name: `program[${program.key}]`,
    inputs: program.inputs.map(scalarOf),
    output: scalarOf(program.nodes[first!]!.dtype),
    expr: name(first!),
    more: rest.map((r) => ({ output: scalarOf(program.nodes[r]!.dtype), expr: name(r) })),
    helpers: [...helpers],
    functions: [...functions.values()].join("\n"),
    constants,
    body: lines.join("\n"),
  };
}
