import type { KernelSource } from "../pipelines.js";
import { bindings, coords, flatEntry, offset, u, type Scalar } from "./wgsl.js";

/**
 * Kernels that move elements without computing on them. They copy raw 32-bit words, so one pipeline serves
 * float32, int32 and bool alike. Each invocation writes one output element.
 */

export const MOVE_WORKGROUP = 64;

/**
 * `out[i] = in0[start + Σ cᵢ·strideᵢ]` over the output coordinates: transpose, broadcastTo and slice are all
 * this kernel with different strides. Words: `[size, dims[rank], strides[rank], start]`.
 */
export function stridedCopyKernel(rank: number): KernelSource {
  return {
    key: `strided-copy:r${rank}`,
    code: () => {
      const start = 1 + 2 * rank;
      const body = [`  if (i >= ${u(0)}) { return; }`, coords("i", rank, 1), `  out[i] = in0[${u(start)} + ${offset(rank, 1 + rank)}];`];
      return [bindings(["u32"], "u32", start + 1), flatEntry(MOVE_WORKGROUP, body.join("\n"))].join("\n");
    },
  };
}

/** Every element set to one 32-bit pattern. Words: `[size, bits]`. */
export function fillKernel(): KernelSource {
  return {
    key: "fill",
    code: () => [bindings([], "u32", 2), flatEntry(MOVE_WORKGROUP, `  if (i >= ${u(0)}) { return; }\n  out[i] = ${u(1)};`)].join("\n"),
  };
}

/**
 * Constant padding: output coordinates shifted back by `before` that fall inside the input read it, the
 * rest take the pad value. Words: `[size, outDims[r], before[r], inDims[r], inStrides[r], bits]`.
 */
export function padKernel(rank: number): KernelSource {
  return {
    key: `pad:r${rank}`,
    code: () => {
      const before = 1 + rank;
      const inDims = before + rank;
      const inStrides = inDims + rank;
      const value = inStrides + rank;
      const lines = [`  if (i >= ${u(0)}) { return; }`, coords("i", rank, 1), "  var src = 0u;", "  var inside = true;"];
      for (let d = 0; d < rank; d++) {
        // Unsigned wrap-around: a coordinate before the padding becomes huge, so one comparison covers both sides.
        lines.push(`  let s${d} = c${d} - ${u(before + d)};`);
        lines.push(`  inside = inside && s${d} < ${u(inDims + d)};`);
        lines.push(`  src = src + s${d} * ${u(inStrides + d)};`);
      }
      lines.push(`  if (inside) { out[i] = in0[src]; } else { out[i] = ${u(value)}; }`);
      return [bindings(["u32"], "u32", value + 1), flatEntry(MOVE_WORKGROUP, lines.join("\n"))].join("\n");
    },
  };
}

/**
 * Copies one concat input into its place in the output: seen from the concat axis, input and output are
 * `outer` runs, and the input fills `run` elements at `at` within each `outRun`. Words: `[size, run, outRun, at]`.
 */
export function concatKernel(): KernelSource {
  return {
    key: "concat-part",
    code: () =>
      [
        bindings(["u32"], "u32", 4),
        flatEntry(
          MOVE_WORKGROUP,
          `  if (i >= ${u(0)}) { return; }
  out[(i / ${u(1)}) * ${u(2)} + ${u(3)} + i % ${u(1)}] = in0[i];`,
        ),
      ].join("\n"),
  };
}

/**
 * Bindings of a kernel that reports bad indices: `in0…`, then `faults` (one atomic word the backend reads
 * before the next readback: see FAULT_GATHER), then `out` and the uniform block.
 */
function faultingBindings(inputs: readonly Scalar[], output: Scalar, words: number): string {
  const lines = inputs.map((t, i) => `@group(0) @binding(${i}) var<storage, read> in${i}: array<${t}>;`);
  lines.push(`@group(0) @binding(${inputs.length}) var<storage, read_write> faults: array<atomic<u32>>;`);
  lines.push(`@group(0) @binding(${inputs.length + 1}) var<storage, read_write> out: array<${output}>;`);
  lines.push(`struct Params { w: array<vec4<u32>, ${Math.max(1, Math.ceil(words / 4))}> }`);
  lines.push(`@group(0) @binding(${inputs.length + 2}) var<uniform> p: Params;`);
  return lines.join("\n");
}

/** Bits of the fault word: which op saw an index outside its axis. A GPU cannot throw; the backend does. */
export const FAULT_GATHER = 1;
export const FAULT_SCATTER_ADD = 2;

/**
 * Gathers slices along an axis: output `[outer, count, inner]` from input `[outer, n, inner]`. An index
 * outside `[0, n)` sets FAULT_GATHER (the backend throws at the next read) and writes 0.
 * Bindings: x, indices, faults, out. Words: `[size, count, inner, n]`.
 */
export function gatherKernel(): KernelSource {
  return {
    key: "gather",
    code: () =>
      [
        faultingBindings(["u32", "i32"], "u32", 4),
        flatEntry(
          MOVE_WORKGROUP,
          `  if (i >= ${u(0)}) { return; }
  let r = i % ${u(2)};
  let q = i / ${u(2)};
  let j = q % ${u(1)};
  let o = q / ${u(1)};
  let index = in1[j];
  if (index < 0i || u32(index) >= ${u(3)}) { atomicOr(&faults[0], ${FAULT_GATHER}u); out[i] = 0u; return; }
  out[i] = in0[(o * ${u(3)} + u32(index)) * ${u(2)} + r];`,
        ),
      ].join("\n"),
  };
}

/**
 * The adjoint of gather, deterministically: each output element loops over the indices and sums the updates
 * of those that name it, in index order, so the result does not depend on scheduling (atomic float adds
 * would). An index outside `[0, n)` sets FAULT_SCATTER_ADD (the backend throws at the next read). The cost is `outSize · count` comparisons, fine for the index counts of embeddings and one-hot
 * gradients. Output `[outer, n, inner]`, updates `[outer, count, inner]`. Words: `[size, n, inner, count]`.
 */
export function scatterAddKernel(t: Scalar): KernelSource {
  const zero = t === "f32" ? "0.0" : "0i";
  return {
    key: `scatter-add:${t}`,
    code: () =>
      [
        faultingBindings([t, "i32"], t, 4),
        flatEntry(
          MOVE_WORKGROUP,
          `  if (i >= ${u(0)}) { return; }
  let inner = ${u(2)};
  let count = ${u(3)};
  let r = i % inner;
  let q = i / inner;
  let slot = i32(q % ${u(1)});
  let base = (q / ${u(1)}) * count * inner + r;
  var acc = ${zero};
  for (var j = 0u; j < count; j++) {
    let index = in1[j];
    if (index == slot) { acc = acc + in0[base + j * inner]; }
    // Item 0 alone checks every index, so an update that no output slot takes is reported, not dropped.
    if (i == 0u && (index < 0i || u32(index) >= ${u(1)})) { atomicOr(&faults[0], ${FAULT_SCATTER_ADD}u); }
  }
  out[i] = acc;`,
        ),
      ].join("\n"),
  };
}
