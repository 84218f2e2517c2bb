import { ArgumentError, avgPool2d as avgPool2dOp, maxPool2d as maxPool2dOp, type DataFormat, type Padding, type Tensor } from "@neurite/tensor-core";
import { Module } from "./module.js";

/** Options of `maxPool2d` and `avgPool2d` layers. */
export interface Pool2dOptions {
  /** Step between windows: one number or [height, width] (default: the window size). */
  readonly stride?: number | readonly [number, number];
  /** "valid" (default), "same", or explicit pixels per side. */
  readonly padding?: Padding;
  /** "NHWC" (default) or "NCHW". */
  readonly dataFormat?: DataFormat;
}

function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === "number" ? [value, value] : [value[0], value[1]];
}

function describe(name: string, poolSize: readonly [number, number], options: Pool2dOptions): string {
  const parts = [
    `${poolSize[0]}×${poolSize[1]}`,
    ...(options.stride === undefined ? [] : [`stride ${pair(options.stride).join("×")}`]),
    ...(options.padding === undefined || options.padding === "valid" ? [] : [`padding ${typeof options.padding === "string" ? options.padding : pair(options.padding).join("×")}`]),
  ];
  return `${name}(${parts.join(", ")})`;
}

abstract class Pool2d extends Module {
  readonly poolSize: readonly [number, number];
  readonly options: Pool2dOptions;

  constructor(name: string, poolSize: number | readonly [number, number], options: Pool2dOptions) {
    super();
    const size = pair(poolSize);
    if (!size.every((n) => Number.isInteger(n) && n >= 1)) {
      throw new ArgumentError({ op: name, argument: "poolSize" }, `expected positive integers, got ${String(poolSize)}`);
    }
    this.poolSize = size;
    this.options = { ...options };
  }
}

/**
 * Max pooling: the largest value of each `poolSize` window, per channel (stride defaults to the window, so
 * windows do not overlap). No parameters. The gradient goes to the window's maximum (split evenly on ties).
 *
 * ```ts
 * maxPool2d(2).forward(zeros([1, 28, 28, 3])); // [1, 28, 28, 3] → [1, 14, 14, 3]
 * ```
 */
export class MaxPool2d extends Pool2d {
  constructor(poolSize: number | readonly [number, number], options: Pool2dOptions = {}) {
    super("MaxPool2d", poolSize, options);
  }

  forward(x: Tensor): Tensor {
    return maxPool2dOp(x, { ...this.options, poolSize: this.poolSize });
  }

  override toString(): string {
    return describe("MaxPool2d", this.poolSize, this.options);
  }
}

/**
 * Average pooling: the mean of each `poolSize` window, per channel (padded pixels are not counted). No
 * parameters.
 */
export class AvgPool2d extends Pool2d {
  constructor(poolSize: number | readonly [number, number], options: Pool2dOptions = {}) {
    super("AvgPool2d", poolSize, options);
  }

  forward(x: Tensor): Tensor {
    return avgPool2dOp(x, { ...this.options, poolSize: this.poolSize });
  }

  override toString(): string {
    return describe("AvgPool2d", this.poolSize, this.options);
  }
}

/** A `MaxPool2d` layer. (Not tensor-core's `maxPool2d` op, which it applies.) */
export function maxPool2d(poolSize: number | readonly [number, number], options?: Pool2dOptions): MaxPool2d {
  return new MaxPool2d(poolSize, options);
}

/** An `AvgPool2d` layer. */
export function avgPool2d(poolSize: number | readonly [number, number], options?: Pool2dOptions): AvgPool2d {
  return new AvgPool2d(poolSize, options);
}
