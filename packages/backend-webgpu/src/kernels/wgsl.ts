import type { DType } from "@neurite/tensor-core";

/**
 * Building blocks every kernel generator shares: the storage type of each dtype, the binding layout, the
 * uniform words and index arithmetic unrolled for a known rank.
 *
 * Binding convention: inputs at bindings 0…n-1 (read-only storage), the output at n (read-write), the
 * uniform words at n+1, matching `CommandQueue.dispatch`.
 */

export type Scalar = "f32" | "i32" | "u32";

/** The WGSL type a dtype is stored and computed in. bool is u32 0/1: storage buffers have no 8-bit type. */
export function scalarOf(dtype: DType): Scalar {
  switch (dtype) {
    case "float32":
      return "f32";
    case "int32":
      return "i32";
    case "bool":
      return "u32";
    case "float64":
      throw new Error("float64 is not a dtype of the webgpu backend");
  }
}

/** Uniform word `i` (all uniforms are u32 words, packed four to a vec4 for the uniform layout rules). */
export function u(i: number): string {
  return `p.w[${i >> 2}].${"xyzw"[i & 3]!}`;
}

/** Declarations of the bindings: `in0…`, `out` and the uniform block `p` of `words` words. Element types are a Scalar or a vector of one. */
export function bindings(inputs: readonly string[], output: string, words: number, outputAtomic = false, moreOutputs: readonly string[] = []): string {
  const lines = inputs.map((t, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${t}>;`);
  const outType = outputAtomic ? `atomic<${output}>` : output;
  lines.push(`@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<${outType}>;`);
  // A kernel with several results (a multi-output program) writes the others to out1, out2, … in order.
  moreOutputs.forEach((t, j) => lines.push(`@group(0) @binding(${inputs.length + 1 + j}) var<storage, read_write> out${j + 1}: array<${t}>;`));
  lines.push(`struct Params { w: array<vec4<u32>, ${Math.max(1, Math.ceil(words / 4))}> }`);
  lines.push(`@group(0) @binding(${inputs.length + 1 + moreOutputs.length}) var<uniform> p: Params;`);
  return lines.join("\n");
}

/** Items each invocation of a `flatEntry` kernel handles, unless it asks for another number. */
export const ITEMS_PER_INVOCATION = 4;

/**
 * Entry point of a kernel over a 1-D range of items, on a possibly 2-D grid. A workgroup takes a block of
 * `workgroupSize · perInvocation` consecutive items and invocation `t` handles items `t, t + workgroupSize, …`
 * of it: neighbouring invocations touch neighbouring addresses (coalesced on GPUs), and a few items per
 * invocation amortise the per-invocation cost (large on CPU implementations such as SwiftShader).
 * `body` sees the item index as `i`; its `return` skips the item (all later items are out of range too).
 */
export function flatEntry(workgroupSize: number, body: string, perInvocation = ITEMS_PER_INVOCATION): string {
  return `fn item(i: u32) {
${body}
}
@compute @workgroup_size(${workgroupSize})
fn main(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let block = (wid.x + wid.y * nwg.x) * ${workgroupSize * perInvocation}u;
  for (var k = 0u; k < ${perInvocation}u; k++) { item(block + lid + k * ${workgroupSize}u); }
}`;
}

/** Workgroups a `flatEntry` kernel needs for `items` items. */
export function flatWorkgroups(items: number, workgroupSize: number, perInvocation = ITEMS_PER_INVOCATION): number {
  return Math.ceil(items / (workgroupSize * perInvocation));
}

/**
 * Lines that split the linear index `index` into coordinates `${name}0…` over the dims held in words
 * `dimsAt…dimsAt+rank-1` (row-major: the last coordinate varies fastest).
 */
export function coords(index: string, rank: number, dimsAt: number, name = "c"): string {
  if (rank === 0) return "";
  const lines = [`  var ${name}_rem = ${index};`];
  for (let d = rank - 1; d > 0; d--) {
    lines.push(`  let ${name}${d} = ${name}_rem % ${u(dimsAt + d)};`);
    lines.push(`  ${name}_rem = ${name}_rem / ${u(dimsAt + d)};`);
  }
  lines.push(`  let ${name}0 = ${name}_rem;`);
  return lines.join("\n");
}

/** `Σ ${name}d · words[stridesAt + d]`: the offset the coordinates reach with the given strides. */
export function offset(rank: number, stridesAt: number, name = "c"): string {
  if (rank === 0) return "0u";
  return Array.from({ length: rank }, (_, d) => `${name}${d} * ${u(stridesAt + d)}`).join(" + ");
}

/** The zero of a scalar type, as a WGSL literal. */
export function zero(t: Scalar): string {
  return t === "f32" ? "0.0" : t === "i32" ? "0i" : "0u";
}
