import type { KernelSource } from "../pipelines.js";
import { helpers } from "./math.wgsl.js";
import { bindings, flatEntry, u } from "./wgsl.js";

/**
 * Philox4x32-10, word for word the definition in tensor-core's philox.ts, so every backend draws the same
 * stream bit for bit. WGSL has no 32×32→64-bit multiply, so the high word comes from 16-bit halves, exactly
 * as the reference computes it. Each invocation computes one block (four values); the block number
 * `offset + b` is a 64-bit counter held as two words.
 *
 * Words: `[count, key0, key1, offsetLo, offsetHi]`.
 */
export const RANDOM_WORKGROUP = 64;

export function randomUniformKernel(): KernelSource {
  return {
    key: "random-uniform",
    code: () =>
      [
        helpers(["mulhi_"]),
        bindings([], "f32", 5),
        `fn philox_(counter: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = counter;
  var k = key;
  for (var round = 0u; round < 10u; round++) {
    let hi0 = mulhi_(0xd2511f53u, c.x);
    let lo0 = 0xd2511f53u * c.x;
    let hi1 = mulhi_(0xcd9e8d57u, c.z);
    let lo1 = 0xcd9e8d57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9e3779b9u, 0xbb67ae85u);
  }
  return c;
}`,
        flatEntry(
          RANDOM_WORKGROUP,
          `  let count = ${u(0)};
  if (i * 4u >= count) { return; }
  let lo = ${u(3)} + i;
  let hi = ${u(4)} + select(0u, 1u, lo < i);
  let words = philox_(vec4<u32>(lo, hi, 0u, 0u), vec2<u32>(${u(1)}, ${u(2)}));
  for (var lane = 0u; lane < 4u; lane++) {
    let at = i * 4u + lane;
    if (at < count) { out[at] = f32(words[lane] >> 8u) * (1.0 / 16777216.0); }
  }`,
        ),
      ].join("\n"),
  };
}
