import { ArgumentError, DTypeError, ShapeError, add, cast, div, formatShape, full, mean, mul, noGrad, reshape, sqrt, square, sub, tidy, type DType, type Tensor, variable, type Variable } from "@neurite/tensor-core";
import { Module } from "./module.js";

/** Options of `batchNorm`. */
export interface BatchNormOptions {
  /** Weight of the newest batch in the running statistics: running ← (1 − momentum)·running + momentum·batch. Default 0.1. */
  readonly momentum?: number;
  /** Added to the variance before the square root. Default 1e-5. */
  readonly epsilon?: number;
  /** The feature (channel) axis: -1 (default; [N, C] and NHWC) or 1 for NCHW images. */
  readonly axis?: number;
  /** Learn a per-feature scale `weight` (init 1) and shift `bias` (init 0). Default true. */
  readonly affine?: boolean;
  /** float32 (default) or float64. */
  readonly dtype?: DType;
}

/**
 * Batch normalization: each feature is normalized with the mean and (biased) variance over every other axis
 * of the batch, then scaled by `weight` and shifted by `bias`: y = (x − μ) / √(σ² + ε) · γ + β. In training
 * mode it uses the batch's statistics and updates the running ones (`runningMean`, `runningVar`, buffers:
 * in the state dict, not parameters; the running variance is the unbiased one); in evaluation mode it
 * uses the running statistics. Variables: 2·numFeatures (affine).
 *
 * ```ts
 * sequential([dense(8, 16), batchNorm(16), relu(), dense(16, 4)]);
 * sequential([conv2d(1, 8, 3), batchNorm(8), relu()]); // NHWC: normalizes each of the 8 channels
 * ```
 */
export class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly axis: number;
  readonly weight: Variable | null;
  readonly bias: Variable | null;
  readonly runningMean: Variable;
  readonly runningVar: Variable;

  constructor(numFeatures: number, options: BatchNormOptions = {}) {
    super();
    const op = "BatchNorm";
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new ArgumentError({ op, argument: "numFeatures" }, `expected a positive integer, got ${numFeatures}`);
    this.numFeatures = numFeatures;
    this.momentum = options.momentum ?? 0.1;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ArgumentError({ op, argument: "momentum" }, `expected a momentum in [0, 1], got ${this.momentum}`);
    this.epsilon = options.epsilon ?? 1e-5;
    if (!(this.epsilon > 0) || !Number.isFinite(this.epsilon)) throw new ArgumentError({ op, argument: "epsilon" }, `expected a finite epsilon > 0, got ${this.epsilon}`);
    this.axis = options.axis ?? -1;
    if (this.axis !== -1 && this.axis !== 1) throw new ArgumentError({ op, argument: "axis" }, `expected -1 (channels last) or 1 (channels first), got ${this.axis}`);
    const dtype = options.dtype ?? "float32";
    const make = (value: number, name: string): Variable =>
      tidy(() => variable(full([numFeatures], value, { dtype }), { name, trainable: name === "weight" || name === "bias" }));
    const affine = options.affine ?? true;
    this.weight = affine ? make(1, "weight") : null;
    this.bias = affine ? make(0, "bias") : null;
    this.runningMean = this.buffer(make(0, "runningMean"));
    this.runningVar = this.buffer(make(1, "runningVar"));
  }

  forward(x: Tensor): Tensor {
    const label = this.toString();
    const channel = this.axis === -1 ? x.rank - 1 : 1;
    if (x.rank < 2 || x.shape[channel] !== this.numFeatures) {
      throw new ShapeError(
        { op: label, argument: "x" },
        `expected ${this.numFeatures} features on axis ${this.axis} of a batch of rank ≥ 2, got shape ${formatShape(x.shape)}`,
      );
    }
    if (x.dtype !== "float32" && x.dtype !== "float64") throw new DTypeError({ op: label, argument: "x" }, `expected a float tensor, got ${x.dtype}`);
    const axes = x.shape.map((_, i) => i).filter((i) => i !== channel);
    const count = axes.reduce((n, i) => n * x.shape[i]!, 1);
    // Per-feature vectors broadcast against x: [C] for channels last, [C, 1, …] for channels first.
    const shaped = (v: Tensor): Tensor => (channel === x.rank - 1 ? v : reshape(v, [this.numFeatures, ...Array<number>(x.rank - 2).fill(1)]));
    return tidy(() => {
      let mu: Tensor;
      let variance: Tensor;
      if (this.training) {
        mu = mean(x, axes);
        variance = mean(square(sub(x, shaped(mu))), axes);
        this.#updateRunning(mu, variance, count);
      } else {
        mu = cast(this.runningMean.value, x.dtype);
        variance = cast(this.runningVar.value, x.dtype);
      }
      let y = div(sub(x, shaped(mu)), sqrt(add(shaped(variance), this.epsilon)));
      if (this.weight !== null) y = mul(y, shaped(this.weight.value));
      if (this.bias !== null) y = add(y, shaped(this.bias.value));
      return y;
    });
  }

  /** Moves the running statistics towards the batch's; no gradient flows through the update. */
  #updateRunning(mu: Tensor, variance: Tensor, count: number): void {
    noGrad(() => {
      tidy(() => {
        const unbiased = count > 1 ? mul(variance, count / (count - 1)) : variance;
        const m = this.momentum;
        const blend = (running: Variable, batch: Tensor): void => {
          running.assign(cast(add(mul(cast(running.value, batch.dtype), 1 - m), mul(batch, m)), running.dtype));
        };
        blend(this.runningMean, mu);
        blend(this.runningVar, unbiased);
      });
    });
  }

  override toString(): string {
    return `BatchNorm(${this.numFeatures}${this.axis === 1 ? ", channels first" : ""})`;
  }
}

/** A `BatchNorm` layer over `numFeatures` features (channels). */
export function batchNorm(numFeatures: number, options?: BatchNormOptions): BatchNorm {
  return new BatchNorm(numFeatures, options);
}
