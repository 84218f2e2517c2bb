import type { FusedActivation } from "../backend.js";
import { engine } from "../engine.js";
import { DTypeError, ShapeError, dtypesDiffer, expectDType, formatShape } from "../errors.js";
import { broadcastShapes, broadcastsTo } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { add } from "./elementwise.js";
import { backendOf, kernel, runOp, type Inputs } from "./op.js";
import { reshape } from "./reshape.js";
import { relu, sigmoid } from "./activations.js";
import { tanh } from "./elementwise.js";

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Use aᵀ (the last two axes swapped) instead of a. */
  readonly transposeA?: boolean;
  /** Use bᵀ instead of b. */
  readonly transposeB?: boolean;
}

const NUMERIC = ["float32", "float64", "int32"] as const;

/** Output shape of a batched product of rank ≥ 2 operands, with a ShapeError naming the mismatch. */
function productShape(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): number[] {
  const op = "matmul";
  const [m, ka] = transposeA ? [a.shape.at(-1)!, a.shape.at(-2)!] : [a.shape.at(-2)!, a.shape.at(-1)!];
  const [kb, n] = transposeB ? [b.shape.at(-1)!, b.shape.at(-2)!] : [b.shape.at(-2)!, b.shape.at(-1)!];
  if (ka !== kb) {
    throw new ShapeError(
      { op, argument: "b" },
      `inner dimensions differ: a${transposeA ? "ᵀ" : ""} of shape ${formatShape(a.shape)} has ${ka} columns, ` +
        `b${transposeB ? "ᵀ" : ""} of shape ${formatShape(b.shape)} has ${kb} rows`,
    );
  }
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2), ["a's batch dims", "b's batch dims"]);
  return [...batch, m, n];
}

function checkOperands(op: string, a: Tensor, b: Tensor): void {
  expectDType({ op, argument: "a" }, a.dtype, NUMERIC);
  if (a.dtype !== b.dtype) throw dtypesDiffer({ op, argument: "b" }, a.dtype, b.dtype);
  if (a.rank === 0 || b.rank === 0) {
    throw new ShapeError({ op }, `operands must have rank ≥ 1, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}; use mul for scalars`);
  }
}

/**
 * Matrix product with NumPy semantics: rank-2 operands multiply as matrices, higher ranks are batches of
 * matrices whose batch dims broadcast, and a rank-1 operand is a row (a) or column (b) vector that is
 * dropped from the result.
 *
 * ```ts
 * matmul(ones([5, 2, 3]), ones([3, 4])).shape;                       // [5, 2, 4]
 * matmul(ones([3, 2]), ones([3, 4]), { transposeA: true }).shape;     // [2, 4]
 * ```
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  const op = "matmul";
  checkOperands(op, a, b);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const a2 = a.rank === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.rank === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const shape = productShape(a2, b2, a.rank === 1 ? false : transposeA, b.rank === 1 ? false : transposeB);
  const product = runOp(op, [a2, b2], { transposeA: a.rank > 1 && transposeA, transposeB: b.rank > 1 && transposeB }, true, () => {
    const out = { shape, dtype: a.dtype };
    return kernel(op, { a: a2, b: b2 }, out, (backend, info) =>
      backend.matmul(info.a!, info.b!, a.rank > 1 && transposeA, b.rank > 1 && transposeB, out),
    );
  });
  if (a2 !== a) a2.dispose();
  if (b2 !== b) b2.dispose();
  if (a.rank > 1 && b.rank > 1) return product;
  const squeezed = shape.filter((_, i) => !((a.rank === 1 && i === shape.length - 2) || (b.rank === 1 && i === shape.length - 1)));
  const result = reshape(product, squeezed);
  product.dispose();
  return result;
}

function activate(x: Tensor, activation: FusedActivation): Tensor {
  switch (activation) {
    case "linear":
      return x;
    case "relu":
      return relu(x);
    case "sigmoid":
      return sigmoid(x);
    case "tanh":
      return tanh(x);
  }
}

/**
 * A layer of neurons: `activation(x @ w + bias)`, the course notes' y = f(wᵀx + b) for many inputs and
 * neurons at once. Runs as one fused kernel when the backend has one and no gradient is being traced.
 *
 * ```ts
 * const [x, w, b] = [ones([4, 3]), ones([3, 2]), zeros([2])];
 * linear(x, w, b, "relu"); // x: [batch, in], w: [in, out], b: [out] → [4, 2]
 * ```
 */
export function linear(x: Tensor, w: Tensor, bias?: Tensor | null, activation: FusedActivation = "linear"): Tensor {
  const op = "linear";
  const inputs: Inputs = bias ? { x, w, bias } : { x, w };
  checkOperands(op, x, w);
  if (x.rank < 2 || w.rank !== 2) {
    throw new ShapeError({ op }, `expected x of rank ≥ 2 and w of rank 2, got ${formatShape(x.shape)} and ${formatShape(w.shape)}`);
  }
  if ((activation === "sigmoid" || activation === "tanh") && x.dtype === "int32") {
    throw new DTypeError({ op, argument: "activation" }, `${activation} needs a float dtype, but x and w are int32; cast them to float32 first`);
  }
  const shape = productShape(x, w, false, false);
  if (bias && bias.dtype !== x.dtype) throw new DTypeError({ op, argument: "bias" }, `dtype ${bias.dtype} differs from x's ${x.dtype}`);
  if (bias && !broadcastsTo(bias.shape, shape)) {
    throw new ShapeError({ op, argument: "bias" }, `bias of shape ${formatShape(bias.shape)} does not broadcast to the product's shape ${formatShape(shape)}`);
  }
  return runOp(op, Object.values(inputs), { activation }, false, () => {
    const backend = backendOf(op, inputs);
    const fused = backend.fused;
    if (fused?.matmulBiasActivation !== undefined && engine.recorder === null) {
      const out = { shape, dtype: x.dtype };
      return kernel(op, inputs, out, (_, info) => fused.matmulBiasActivation!(info.x!, info.w!, info.bias ?? null, activation, false, false, out));
    }
    const z = matmul(x, w);
    return activate(bias ? add(z, bias) : z, activation);
  });
}
