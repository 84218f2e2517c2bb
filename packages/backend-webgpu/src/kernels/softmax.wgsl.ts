import type { KernelSource } from "../pipelines.js";
import { helpers } from "./math.wgsl.js";
import { bindings, u } from "./wgsl.js";

/**
 * Fused softmax along the last axis: one workgroup per row finds the row's max (a shared-memory tree), then
 * the sum of `exp(x - max)` (a second tree), then writes `exp(x - max) / sum`. One read pass per tree and
 * one write, against the four kernels and three intermediate tensors of the composition. The max is
 * NaN-propagating, so a row with a NaN comes out all NaN, as the composition gives. Words: `[rows, n]`.
 */
export const SOFTMAX_WORKGROUP = 64;

export function softmaxKernel(): KernelSource {
  return {
    key: "softmax:f32",
    code: () => `${helpers(["max_"])}
// exp(NaN) may be Infinity (SwiftShader); x − max is NaN where the row holds +∞, and must stay NaN.
fn expn_(d: f32) -> f32 { return select(exp(d), d, isnan_(d)); }
${bindings(["f32"], "f32", 2)}
var<workgroup> partial: array<f32, ${SOFTMAX_WORKGROUP}>;
@compute @workgroup_size(${SOFTMAX_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= ${u(0)}) { return; }
  let n = ${u(1)};
  let base = row * n;
  var m = -inf_();
  for (var j = lid; j < n; j += ${SOFTMAX_WORKGROUP}u) { m = max_(m, in0[base + j]); }
  partial[lid] = m;
  workgroupBarrier();
  for (var s = ${SOFTMAX_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = max_(partial[lid], partial[lid + s]); }
    workgroupBarrier();
  }
  m = partial[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = lid; j < n; j += ${SOFTMAX_WORKGROUP}u) { sum = sum + expn_(in0[base + j] - m); }
  partial[lid] = sum;
  workgroupBarrier();
  for (var s = ${SOFTMAX_WORKGROUP / 2}u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] = partial[lid] + partial[lid + s]; }
    workgroupBarrier();
  }
  sum = partial[0];
  for (var j = lid; j < n; j += ${SOFTMAX_WORKGROUP}u) { out[base + j] = expn_(in0[base + j] - m) / sum; }
}`,
  };
}
