import { ArgumentError, DTypeError, ShapeError, formatShape, linear, reshape, tidy, type DType, type FusedActivation, type Tensor, variable, type Variable } from "@neurite/tensor-core";
import { applyActivation, checkActivation, type ActivationName } from "./activations.js";
import type { Initializer, InitializerName } from "./initializers.js";
import { resolveInitializer } from "./resolve-init.js";
import { Module } from "./module.js";

/** Options shared by the layers that hold weights. */
export interface WeightOptions {
  /** Add a bias (default true). */
  readonly bias?: boolean;
  /** The weight initializer (default Glorot uniform; `normal(0.01)` is the course notes' way). */
  readonly init?: Initializer | InitializerName;
  /** The bias initializer (default zeros). */
  readonly biasInit?: Initializer | InitializerName;
  /**
   * Makes the initial values reproducible: the weight draws from this seed's stream and the bias from
   * seed + 1's. Without it, both draw from the global stream (see `setSeed`).
   */
  readonly seed?: number;
  /** float32 (default) or float64. */
  readonly dtype?: DType;
}

export interface DenseOptions extends WeightOptions {
  /** Applied to x·W + b (default "linear": none). relu, sigmoid and tanh fuse with the product on backends that can. */
  readonly activation?: ActivationName;
  /** Leaky ReLU's slope when `activation` is "leakyRelu" (default 0.01). */
  readonly slope?: number;
}

const FUSED = new Set<ActivationName>(["linear", "relu", "sigmoid", "tanh"]);

export function checkUnits(layer: string, argument: string, n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new ArgumentError({ op: layer, argument }, `expected a positive integer, got ${n}`);
}

/** Creates a layer's weight and bias parameters from its options. */
export function makeWeights(
  options: WeightOptions,
  weightShape: readonly number[],
  fans: { fanIn: number; fanOut: number },
  biasShape: readonly number[],
): { weight: Variable; bias: Variable | null } {
  const dtype = options.dtype ?? "float32";
  const seed = options.seed;
  const init = resolveInitializer(options.init ?? "glorotUniform");
  const context = (offset: number) => ({ ...fans, dtype, ...(seed === undefined ? {} : { seed: seed + offset }) });
  return tidy(() => {
    const weight = variable(init(weightShape, context(0)), { name: "weight" });
    if (options.bias === false) return { weight, bias: null };
    const biasInit = resolveInitializer(options.biasInit ?? "zeros");
    return { weight, bias: variable(biasInit(biasShape, context(1)), { name: "bias" }) };
  });
}

/**
 * A fully connected layer: y = f(x·W + b), the course notes' neuron ŷ = g(w₀ + xᵀw) for `outFeatures`
 * neurons over the same `inFeatures` inputs at once. `weight` has shape [inFeatures, outFeatures] (one column
 * per neuron) and `bias` [outFeatures]. Variables: inFeatures·outFeatures + outFeatures (with bias).
 *
 * Input `[..., inFeatures]` (a batch, or a single sample of rank 1), output `[..., outFeatures]`.
 *
 * Defaults: weights Glorot uniform, biases zeros, no activation.
 *
 * ```ts
 * const layer = dense(8, 16, { activation: "relu" });
 * layer.forward(ones([4, 8])); // [4, 8] → [4, 16]
 * ```
 */
export class Dense extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly activation: ActivationName;
  readonly slope: number;
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(inFeatures: number, outFeatures: number, options: DenseOptions = {}) {
    super();
    checkUnits("Dense", "inFeatures", inFeatures);
    checkUnits("Dense", "outFeatures", outFeatures);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.activation = checkActivation("Dense", options.activation ?? "linear");
    this.slope = options.slope ?? 0.01;
    if (!Number.isFinite(this.slope)) throw new ArgumentError({ op: "Dense", argument: "slope" }, `expected a finite slope, got ${this.slope}`);
    const { weight, bias } = makeWeights(options, [inFeatures, outFeatures], { fanIn: inFeatures, fanOut: outFeatures }, [outFeatures]);
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    const w = this.weight.value;
    // The layer's name is built only for an error: forward runs every step.
    if (x.rank === 0 || x.shape.at(-1) !== this.inFeatures) {
      throw new ShapeError(
        { op: this.toString(), argument: "x" },
        `expected ${this.inFeatures} input features in the last dimension, got shape ${formatShape(x.shape)}`,
      );
    }
    if (x.dtype !== w.dtype) {
      throw new DTypeError({ op: this.toString(), argument: "x" }, `got dtype ${x.dtype}, but the layer's weights are ${w.dtype}; cast the input or create the layer with { dtype: "${x.dtype}" }`);
    }
    return tidy(() => {
      const input = x.rank === 1 ? reshape(x, [1, this.inFeatures]) : x;
      const fused = FUSED.has(this.activation);
      const z = linear(input, w, this.bias?.value ?? null, fused ? (this.activation as FusedActivation) : "linear");
      const y = fused ? z : applyActivation(this.activation, z, this.slope);
      return x.rank === 1 ? reshape(y, [this.outFeatures]) : y;
    });
  }

  override toString(): string {
    const extras = [
      ...(this.activation === "linear" ? [] : [this.activation === "leakyRelu" ? `leakyRelu(${this.slope})` : this.activation]),
      ...(this.bias === null ? ["no bias"] : []),
    ];
    return `Dense(${this.inFeatures} → ${this.outFeatures}${extras.map((e) => `, ${e}`).join("")})`;
  }
}

/** A `Dense` layer: `dense(8, 16, { activation: "relu" })`. */
export function dense(inFeatures: number, outFeatures: number, options?: DenseOptions): Dense {
  return new Dense(inFeatures, outFeatures, options);
}
