import { broadcastStrides, collapseAxes, DTypeError, sizeOf, type FusedActivation, type OutputSpec } from "@neurite/tensor-core";
import { activationExpr, asFunction, type MapSpec } from "../kernels/elementwise.wgsl.js";
import { matmulKernel } from "../kernels/matmul.wgsl.js";
import { scalarOf } from "../kernels/wgsl.js";
import type { KernelContext, Output, Resolved } from "./context.js";
import { binary, runMap } from "./elementwise.js";

/** The sizes of one product, read off the (possibly transposed) operand shapes. */
function dims(a: Resolved, b: Resolved, transposeA: boolean, transposeB: boolean): { m: number; k: number; n: number } {
  const ra = a.shape.length;
  const rb = b.shape.length;
  return {
    m: a.shape[transposeA ? ra - 1 : ra - 2]!,
    k: a.shape[transposeA ? ra - 2 : ra - 1]!,
    n: b.shape[transposeB ? rb - 2 : rb - 1]!,
  };
}

/**
 * `activation(a @ b + bias)` into a fresh output of the product's shape. `bias` (when given) must broadcast
 * to the product's shape; the caller handles a bias that makes the result larger.
 */
function product(
  ctx: KernelContext,
  op: string,
  a: Resolved,
  b: Resolved,
  bias: Resolved | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
  out: OutputSpec,
): Output {
  const t = scalarOf(out.dtype);
  if (t !== "f32" && (activation === "sigmoid" || activation === "tanh")) {
    throw new DTypeError({ op }, `the ${activation} activation needs float32, got ${out.dtype}`);
  }
  const result = ctx.allocate(op, out.shape, out.dtype);
  const { m, k, n } = dims(a, b, transposeA, transposeB);
  const batchShape = out.shape.slice(0, -2);
  const batch = sizeOf(batchShape);
  if (result.size === 0) return result;
  // Batch strides in elements: a batch index of an operand steps over one whole matrix of it.
  const strideSets = [
    broadcastStrides(a.shape.slice(0, -2), batchShape).map((s) => s * m * k),
    broadcastStrides(b.shape.slice(0, -2), batchShape).map((s) => s * k * n),
  ];
  let biasM = 0;
  let biasN = 0;
  if (bias !== null) {
    const s = broadcastStrides(bias.shape, out.shape);
    biasM = s[s.length - 2]!;
    biasN = s[s.length - 1]!;
    strideSets.push(s.slice(0, -2));
  }
  const walk = collapseAxes(batchShape, strideSets);
  const per = m >= 64 && n >= 64 ? 4 : 1;
  const tile = 16 * per;
  const tilesN = Math.ceil(n / tile);
  const tilesM = Math.ceil(m / tile);
  const workgroups = tilesN * tilesM * batch;
  const params = [m, n, k, tilesN, tilesM, workgroups, biasM, biasN, ...walk.shape, ...walk.strides.flat()];
  const kernel = matmulKernel({ t, transposeA, transposeB, per, batchRank: walk.shape.length, bias: bias !== null, activation });
  const inputs = bias === null ? [a.buffer, b.buffer] : [a.buffer, b.buffer, bias.buffer];
  ctx.run(kernel, inputs, result.buffer, params, workgroups);
  return result;
}

export function matmul(ctx: KernelContext, a: Resolved, b: Resolved, transposeA: boolean, transposeB: boolean, out: OutputSpec): Output {
  return product(ctx, "matmul", a, b, null, "linear", transposeA, transposeB, out);
}

/**
 * The fused layer kernel: bias and activation are applied in the matmul's epilogue, before its one store.
 * A bias with more (or larger) dims than the product makes the result larger than the product; that rare
 * case runs as product, broadcast add and activation.
 */
export function matmulBiasActivation(
  ctx: KernelContext,
  a: Resolved,
  b: Resolved,
  bias: Resolved | null,
  activation: FusedActivation,
  transposeA: boolean,
  transposeB: boolean,
  out: OutputSpec,
): Output {
  const op = "matmulBiasActivation";
  const { m, n } = dims(a, b, transposeA, transposeB);
  const productShape = broadcastBatch(a.shape.slice(0, -2), b.shape.slice(0, -2), m, n);
  if (productShape.length === out.shape.length && productShape.every((d, i) => d === out.shape[i])) {
    return product(ctx, op, a, b, bias, activation, transposeA, transposeB, out);
  }
  const productOut = { shape: productShape, dtype: out.dtype };
  const z = product(ctx, op, a, b, null, "linear", transposeA, transposeB, productOut);
  const sum = bias === null ? z : binary(ctx, "add", { buffer: z.buffer, shape: productShape, dtype: out.dtype }, bias, out);
  if (sum !== z) ctx.release(z);
  if (activation === "linear") return sum;
  const activated = activate(ctx, op, { buffer: sum.buffer, shape: out.shape, dtype: out.dtype }, activation, out);
  ctx.release(sum);
  return activated;
}

/** The product's shape: the operands' batch dims broadcast, then `[m, n]`. */
function broadcastBatch(batchA: readonly number[], batchB: readonly number[], m: number, n: number): number[] {
  const rank = Math.max(batchA.length, batchB.length);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) {
    const da = batchA[d - (rank - batchA.length)] ?? 1;
    const db = batchB[d - (rank - batchB.length)] ?? 1;
    shape.push(da === 1 ? db : da);
  }
  return [...shape, m, n];
}

function activate(ctx: KernelContext, op: string, x: Resolved, activation: FusedActivation, out: OutputSpec): Output {
  const t = scalarOf(out.dtype);
  const expr = activationExpr(activation, t);
  const spec: MapSpec = { name: `act.${activation}`, inputs: [t], output: t, expr: "act_(v0)", helpers: expr.helpers, functions: asFunction("act_", [["x", t]], t, expr) };
  return runMap(ctx, op, spec, [x], out);
}
