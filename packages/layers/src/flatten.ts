import { ShapeError, formatShape, reshape, type Tensor } from "@neurite/tensor-core";
import { Module } from "./module.js";

/**
 * Flattens every axis after the batch axis: `[N, d₁, d₂, …]` → `[N, d₁·d₂·…]`, the bridge from
 * convolutional feature maps to Dense layers. No copy, no parameters. (NHWC maps flatten in H, W, C order.)
 *
 * ```ts
 * sequential([conv2d(1, 8, 3), flatten(), dense(8 * 26 * 26, 10)]);
 * ```
 */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    if (x.rank < 1) throw new ShapeError({ op: "Flatten", argument: "x" }, `expected a batch [N, …], got a scalar of shape ${formatShape(x.shape)}`);
    return reshape(x, [x.shape[0]!, x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }

  override toString(): string {
    return "Flatten()";
  }
}

/** A `Flatten` layer. */
export function flatten(): Flatten {
  return new Flatten();
}
