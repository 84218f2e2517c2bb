import { ArgumentError, DTypeError, ShapeError, add, conv2d as conv2dOp, formatShape, reshape, tidy, type DataFormat, type Padding, type Tensor, type Variable } from "@neurite/tensor-core";
import { applyActivation, checkActivation, type ActivationName } from "./activations.js";
import { checkUnits, makeWeights, type WeightOptions } from "./dense.js";
import { Module } from "./module.js";

export interface Conv2dOptions extends WeightOptions {
  /** Step between windows: one number or [height, width] (default 1). */
  readonly stride?: number | readonly [number, number];
  /** "valid" (default, no padding), "same" (output size ⌈input / stride⌉), or explicit pixels per side. */
  readonly padding?: Padding;
  /** Spacing between the taps of the kernel (default 1). */
  readonly dilation?: number | readonly [number, number];
  /** "NHWC" (default, channels last) or "NCHW". */
  readonly dataFormat?: DataFormat;
  /** Applied to the convolution plus bias (default "linear": none). */
  readonly activation?: ActivationName;
  /** Leaky ReLU's slope when `activation` is "leakyRelu" (default 0.01). */
  readonly slope?: number;
}

function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === "number" ? [value, value] : [value[0], value[1]];
}

/**
 * A 2-D convolution layer: `outChannels` learned `kernelSize` filters slid over an image batch, plus a bias
 * per output channel. `weight` has tensor-core's filter layout [kh, kw, inChannels, outChannels] and `bias`
 * [outChannels]; parameters: kh·kw·inChannels·outChannels + outChannels.
 *
 * Input `[N, H, W, inChannels]` (or `[N, inChannels, H, W]` with `dataFormat: "NCHW"`), output
 * `[N, outH, outW, outChannels]` with outH = ⌊(H + padding − dilation·(kh − 1) − 1) / stride⌋ + 1.
 *
 * Defaults: stride 1, padding "valid", dilation 1, weights Glorot uniform with fanIn = kh·kw·inChannels and
 * fanOut = kh·kw·outChannels, biases zeros.
 *
 * ```ts
 * const images = zeros([2, 28, 28, 1]);
 * conv2d(1, 8, 3, { padding: "same" }).forward(images); // [2, 28, 28, 1] → [2, 28, 28, 8]
 * ```
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly [number, number];
  readonly stride: number | readonly [number, number];
  readonly padding: Padding;
  readonly dilation: number | readonly [number, number];
  readonly dataFormat: DataFormat;
  readonly activation: ActivationName;
  readonly slope: number;
  readonly weight: Variable;
  readonly bias: Variable | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly [number, number], options: Conv2dOptions = {}) {
    super();
    checkUnits("Conv2d", "inChannels", inChannels);
    checkUnits("Conv2d", "outChannels", outChannels);
    const [kh, kw] = pair(kernelSize);
    checkUnits("Conv2d", "kernelSize", kh);
    checkUnits("Conv2d", "kernelSize", kw);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = [kh, kw];
    this.stride = options.stride ?? 1;
    this.padding = options.padding ?? "valid";
    this.dilation = options.dilation ?? 1;
    this.dataFormat = options.dataFormat ?? "NHWC";
    const format: string = this.dataFormat;
    if (format !== "NHWC" && format !== "NCHW") {
      throw new ArgumentError({ op: "Conv2d", argument: "dataFormat" }, `expected "NHWC" or "NCHW", got ${format}`);
    }
    this.activation = checkActivation("Conv2d", options.activation ?? "linear");
    this.slope = options.slope ?? 0.01;
    const fans = { fanIn: kh * kw * inChannels, fanOut: kh * kw * outChannels };
    const { weight, bias } = makeWeights(options, [kh, kw, inChannels, outChannels], fans, [outChannels]);
    this.weight = weight;
    this.bias = bias;
  }

  forward(x: Tensor): Tensor {
    const label = this.toString();
    const channelAxis = this.dataFormat === "NHWC" ? 3 : 1;
    if (x.rank !== 4 || x.shape[channelAxis] !== this.inChannels) {
      throw new ShapeError(
        { op: label, argument: "x" },
        `expected an image batch ${this.dataFormat === "NHWC" ? `[N, H, W, ${this.inChannels}]` : `[N, ${this.inChannels}, H, W]`} (${this.dataFormat}), got shape ${formatShape(x.shape)}`,
      );
    }
    const w = this.weight.value;
    if (x.dtype !== w.dtype) {
      throw new DTypeError({ op: label, argument: "x" }, `got dtype ${x.dtype}, but the layer's weights are ${w.dtype}; cast the input or create the layer with { dtype: "${x.dtype}" }`);
    }
    return tidy(() => {
      let y = conv2dOp(x, w, { stride: this.stride, padding: this.padding, dilation: this.dilation, dataFormat: this.dataFormat });
      const b = this.bias?.value;
      if (b !== undefined) y = add(y, this.dataFormat === "NHWC" ? b : reshape(b, [this.outChannels, 1, 1]));
      return this.activation === "linear" ? y : applyActivation(this.activation, y, this.slope);
    });
  }

  override toString(): string {
    const [kh, kw] = this.kernelSize;
    const options = [
      ...(this.stride === 1 ? [] : [`stride ${pair(this.stride).join("×")}`]),
      ...(this.padding === "valid" || this.padding === 0 ? [] : [`padding ${typeof this.padding === "string" ? this.padding : pair(this.padding).join("×")}`]),
      ...(this.dilation === 1 ? [] : [`dilation ${pair(this.dilation).join("×")}`]),
      ...(this.activation === "linear" ? [] : [this.activation]),
      ...(this.bias === null ? ["no bias"] : []),
    ];
    return `Conv2d(${this.inChannels} → ${this.outChannels}, ${kh}×${kw}${options.map((o) => `, ${o}`).join("")})`;
  }
}

/** A `Conv2d` layer: `conv2d(3, 16, 3, { padding: "same" })`. (Not tensor-core's `conv2d` op, which it applies.) */
export function conv2d(inChannels: number, outChannels: number, kernelSize: number | readonly [number, number], options?: Conv2dOptions): Conv2d {
  return new Conv2d(inChannels, outChannels, kernelSize, options);
}
