import type { FusedActivation } from "@neurite/tensor-core";
import type { KernelSource } from "../pipelines.js";
import { activationExpr, asFunction } from "./elementwise.wgsl.js";
import { helpers } from "./math.wgsl.js";
import { bindings, coords, offset, u, zero, type Scalar } from "./wgsl.js";

/**
 * Tiled batched matrix product. A workgroup of 16×16 invocations computes one tile of `16·per × 16·per`
 * outputs: per step it stages a 16-deep slice of A's rows and B's columns in workgroup memory (each element
 * read from global memory once per tile instead of once per output), then each invocation accumulates a
 * `per × per` block from registers. `per = 4` (64×64 tiles) for large products, `per = 1` for small ones
 * where big tiles would be mostly padding.
 *
 * The transposed variants only change how a tile is loaded; the inner loop is the same. Batch dims
 * broadcast: the launcher passes each operand's batch strides (0 where it repeats). The optional epilogue
 * adds a broadcast bias and applies an activation before the single store (the fused kernel).
 *
 * Words: `[M, N, K, tilesN, tilesM, workgroups, biasStrideM, biasStrideN, batchDims[br], aBatchStrides[br],
 * bBatchStrides[br], biasBatchStrides[br]]`.
 */
export interface MatmulVariant {
  readonly t: Scalar;
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly per: 1 | 4;
  readonly batchRank: number;
  readonly bias: boolean;
  readonly activation: FusedActivation;
}

const TK = 16;

export function matmulKernel(v: MatmulVariant): KernelSource {
  return {
    key: `matmul:${v.t}:${v.transposeA ? "T" : "N"}${v.transposeB ? "T" : "N"}:p${v.per}:b${v.batchRank}:${v.bias ? "bias" : "nobias"}:${v.activation}`,
    code: () => matmulCode(v),
  };
}

function matmulCode(v: MatmulVariant): string {
  const { t, per, batchRank: br } = v;
  const tile = 16 * per;
  const loads = (tile * TK) / 256;
  const dims = 8;
  const act = activationExpr(v.activation, t);
  const inputs: Scalar[] = v.bias ? [t, t, t] : [t, t];

  // Tile element l of A: (row i, depth p) laid out so that consecutive invocations read consecutive addresses.
  const loadA = v.transposeA
    ? "let li = l % TILE; let lp = l / TILE; let gi = row0 + li; let gp = p0 + lp; let index = gp * M + gi;"
    : "let lp = l % TK; let li = l / TK; let gi = row0 + li; let gp = p0 + lp; let index = gi * K + gp;";
  const loadB = v.transposeB
    ? "let lp = l % TK; let lj = l / TK; let gj = col0 + lj; let gp = p0 + lp; let index = gj * K + gp;"
    : "let lj = l % TILE; let lp = l / TILE; let gj = col0 + lj; let gp = p0 + lp; let index = gp * N + gj;";

  const accumulate: string[] = [];
  for (let a = 0; a < per; a++) accumulate.push(`      let ra${a} = tileA[p * TILE + ty + ${16 * a}u];`);
  for (let b = 0; b < per; b++) accumulate.push(`      let rb${b} = tileB[p * TILE + tx + ${16 * b}u];`);
  for (let a = 0; a < per; a++) for (let b = 0; b < per; b++) accumulate.push(`      acc[${a * per + b}] = acc[${a * per + b}] + ra${a} * rb${b};`);

  const store: string[] = [];
  for (let a = 0; a < per; a++) {
    for (let b = 0; b < per; b++) {
      const bias = v.bias ? ` + in2[biasBase + row * ${u(6)} + col * ${u(7)}]` : "";
      store.push(`  {
    let row = row0 + ty + ${16 * a}u;
    let col = col0 + tx + ${16 * b}u;
    if (row < M && col < N) { out[outBase + row * N + col] = act_(acc[${a * per + b}]${bias}); }
  }`);
    }
  }

  return `${helpers(act.helpers)}
${asFunction("act_", [["x", t]], t, act)}
${bindings(inputs, t, dims + 4 * br)}
const TILE = ${tile}u;
const TK = ${TK}u;
var<workgroup> tileA: array<${t}, ${tile * TK}>;
var<workgroup> tileB: array<${t}, ${tile * TK}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wg = wid.x + wid.y * nwg.x;
  if (wg >= ${u(5)}) { return; }
  let M = ${u(0)};
  let N = ${u(1)};
  let K = ${u(2)};
  let col0 = (wg % ${u(3)}) * TILE;
  let rest = wg / ${u(3)};
  let row0 = (rest % ${u(4)}) * TILE;
  let batch = rest / ${u(4)};
${coords("batch", br, dims, "b")}
  let aBase = ${offset(br, dims + br, "b")};
  let bBase = ${offset(br, dims + 2 * br, "b")};
  let biasBase = ${v.bias ? offset(br, dims + 3 * br, "b") : "0u"};
  let outBase = batch * M * N;
  let tx = lid3.x;
  let ty = lid3.y;
  var acc: array<${t}, ${per * per}>;
  for (var p0 = 0u; p0 < K; p0 += TK) {
    for (var q = 0u; q < ${loads}u; q++) {
      let l = lid + q * 256u;
      {
        ${loadA}
        var value = ${zero(t)};
        if (gi < M && gp < K) { value = in0[aBase + index]; }
        tileA[lp * TILE + li] = value;
      }
      {
        ${loadB}
        var value = ${zero(t)};
        if (gj < N && gp < K) { value = in1[bBase + index]; }
        tileB[lp * TILE + lj] = value;
      }
    }
    workgroupBarrier();
    for (var p = 0u; p < TK; p++) {
${accumulate.join("\n")}
    }
    workgroupBarrier();
  }
${store.join("\n")}
}`;
}
