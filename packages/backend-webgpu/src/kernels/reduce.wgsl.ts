import type { ArgReduceOp, ReduceOp } from "@neurite/tensor-core";
import type { KernelSource } from "../pipelines.js";
import { helpers } from "./math.wgsl.js";
import { bindings, coords, flatEntry, offset, u, type Scalar } from "./wgsl.js";

/**
 * Reductions. The input is seen as kept dims (which index the output) and reduced dims, both lists after
 * merging neighbours, each with its input strides. Two ways to run one:
 *
 * - `thread`: one invocation per output folds all its elements in order. Best when there are many outputs
 *   (column sums of a batch) or few elements per output.
 * - `tree`: one workgroup of 256 invocations per (output, chunk): each folds a strided share of the chunk,
 *   then the workgroup combines the 256 partials in shared memory in log₂ 256 steps. When one chunk cannot
 *   cover an output's elements, the launcher reduces the chunk partials in a second pass.
 *
 * Words: `[outSize, R, chunk, chunks, keptDims[kr], keptStrides[kr], redDims[rr], redStrides[rr]]`.
 */

export const REDUCE_THREAD_WORKGROUP = 64;
export const TREE_WORKGROUP = 64;

/** `acc ⊕ v` for each reduction; float max/min propagate NaN, as backend-cpu does. */
function combine(op: ReduceOp, t: Scalar, a: string, b: string): string {
  switch (op) {
    case "sum":
      return `${a} + ${b}`;
    case "prod":
      return `${a} * ${b}`;
    case "max":
      return t === "f32" ? `max_(${a}, ${b})` : `max(${a}, ${b})`;
    case "min":
      return t === "f32" ? `min_(${a}, ${b})` : `min(${a}, ${b})`;
  }
}

/** The value a reduction of no elements gives (reduceIdentity in tensor-core). */
function identity(op: ReduceOp, t: Scalar): string {
  const one = t === "f32" ? "1.0" : t === "i32" ? "1i" : "1u";
  const zero = t === "f32" ? "0.0" : t === "i32" ? "0i" : "0u";
  switch (op) {
    case "sum":
      return zero;
    case "prod":
      return one;
    case "max":
      return t === "f32" ? "-inf_()" : t === "i32" ? "(-2147483647i - 1i)" : "0u";
    case "min":
      return t === "f32" ? "inf_()" : t === "i32" ? "2147483647i" : "1u";
  }
}

export type ReduceStrategy = "thread" | "tree";

export function reduceKernel(op: ReduceOp, t: Scalar, keptRank: number, redRank: number, strategy: ReduceStrategy): KernelSource {
  return {
    key: `reduce:${op}:${t}:k${keptRank}:r${redRank}:${strategy}`,
    code: () => {
      const keptDims = 4;
      const keptStrides = keptDims + keptRank;
      const redDims = keptStrides + keptRank;
      const redStrides = redDims + redRank;
      const words = redStrides + redRank;
      const fold = (index: string): string =>
        [coords(index, redRank, redDims, "r"), `    acc = ${combine(op, t, "acc", `in0[base + ${offset(redRank, redStrides, "r")}]`)};`].join("\n");
      const prelude = [helpers(t === "f32" ? ["max_"] : []), bindings([t], t, words)].join("\n");
      if (strategy === "thread") {
        const body = [
          `  if (i >= ${u(0)}) { return; }`,
          coords("i", keptRank, keptDims, "k"),
          `  let base = ${offset(keptRank, keptStrides, "k")};`,
          `  var acc = ${identity(op, t)};`,
          `  for (var e = 0u; e < ${u(1)}; e++) {`,
          fold("e"),
          "  }",
          "  out[i] = acc;",
        ];
        return [prelude, flatEntry(REDUCE_THREAD_WORKGROUP, body.join("\n"), 1)].join("\n");
      }
      return `${prelude}
var<workgroup> partial: array<${t}, ${TREE_WORKGROUP}>;
@compute @workgroup_size(${TREE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  let chunks = ${u(3)};
  if (wg >= ${u(0)} * chunks) { return; }
  let o = wg / chunks;
${coords("o", keptRank, keptDims, "k")}
  let base = ${offset(keptRank, keptStrides, "k")};
  let start = (wg % chunks) * ${u(2)};
  let end = min(${u(1)}, start + ${u(2)});
  var acc = ${identity(op, t)};
  for (var e = start + lid; e < end; e += ${TREE_WORKGROUP}u) {
${fold("e")}
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = ${TREE_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = ${combine(op, t, "partial[lid]", "partial[lid + s]")}; }
    workgroupBarrier();
  }
  if (lid == 0u) { out[wg] = partial[0]; }
}`;
    },
  };
}

/**
 * Index of the first extreme along one axis of `[outer, n, inner]`; the first NaN counts as the extreme.
 * `pick_` decides between two candidates by value and then by index, so it gives the first extreme whatever
 * order the candidates meet in (the tree meets them interleaved). Words: `[outSize, n, inner]`.
 */
export function argReduceKernel(op: ArgReduceOp, t: Scalar, strategy: ReduceStrategy): KernelSource {
  const cmp = op === "argmax" ? ">" : "<";
  const pick =
    t === "f32"
      ? `fn pick_(a: f32, ai: u32, b: f32, bi: u32) -> bool {
  if (bi == NONE) { return false; }
  if (ai == NONE) { return true; }
  let an = isnan_(a);
  let bn = isnan_(b);
  if (an || bn) { return bn && (!an || bi < ai); }
  return b ${cmp} a || (b == a && bi < ai);
}`
      : `fn pick_(a: ${t}, ai: u32, b: ${t}, bi: u32) -> bool {
  if (bi == NONE) { return false; }
  if (ai == NONE) { return true; }
  return b ${cmp} a || (b == a && bi < ai);
}`;
  const prelude = [helpers(t === "f32" ? ["specials"] : []), bindings([t], "i32", 3), "const NONE = 0xffffffffu;", pick].join("\n");
  const setup = `  let n = ${u(1)};
  let inner = ${u(2)};
  let base = (o / inner) * n * inner + o % inner;
  var best = in0[base];
  var bestIndex = NONE;`;
  return {
    key: `arg:${op}:${t}:${strategy}`,
    code: () => {
      if (strategy === "thread") {
        return `${prelude}
${flatEntry(
  REDUCE_THREAD_WORKGROUP,
  `  if (i >= ${u(0)}) { return; }
  let o = i;
${setup}
  for (var j = 0u; j < n; j++) {
    let v = in0[base + j * inner];
    if (pick_(best, bestIndex, v, j)) { best = v; bestIndex = j; }
  }
  out[i] = i32(bestIndex);`,
  1,
)}`;
      }
      return `${prelude}
var<workgroup> values: array<${t}, ${TREE_WORKGROUP}>;
var<workgroup> indices: array<u32, ${TREE_WORKGROUP}>;
@compute @workgroup_size(${TREE_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let o = wid.x + wid.y * nwg.x;
  if (o >= ${u(0)}) { return; }
${setup}
  for (var j = lid; j < n; j += ${TREE_WORKGROUP}u) {
    let v = in0[base + j * inner];
    if (pick_(best, bestIndex, v, j)) { best = v; bestIndex = j; }
  }
  values[lid] = best;
  indices[lid] = bestIndex;
  workgroupBarrier();
  for (var s = ${TREE_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s && pick_(values[lid], indices[lid], values[lid + s], indices[lid + s])) {
      values[lid] = values[lid + s];
      indices[lid] = indices[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) { out[o] = i32(indices[0]); }
}`;
    },
  };
}
