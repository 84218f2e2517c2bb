// The two networks. Both end in 10 logits (one per digit); the loss applies softmax itself, stably.
import { conv2d, dense, dropout, flatten, maxPool2d, sequential, type Module } from "@neurite/layers";
import type { ModelName } from "./args.js";

/**
 * `mlp`: 784 → 128 ReLU → dropout → 10, about 100 000 weights. `cnn`: two 3×3 convolutions (8 and 16
 * channels, ReLU) each followed by 2×2 max pooling, then dropout and a dense layer to 10, about 5 000 weights
 * that see the picture as a picture.
 *
 * ```ts
 * const model = buildModel("cnn", 0.25, 1);
 * ```
 */
export function buildModel(name: ModelName, rate: number, seed: number): Module {
  const drop = rate > 0 ? [dropout(rate)] : [];
  switch (name) {
    case "mlp":
      return sequential([dense(784, 128, { activation: "relu", init: "heNormal", seed }), ...drop, dense(128, 10, { seed: seed + 1 })]);
    case "cnn":
      return sequential([
        conv2d(1, 8, 3, { activation: "relu", init: "heNormal", seed }), // [28, 28, 1] → [26, 26, 8]
        maxPool2d(2), // → [13, 13, 8]
        conv2d(8, 16, 3, { activation: "relu", init: "heNormal", seed: seed + 1 }), // → [11, 11, 16]
        maxPool2d(2), // → [5, 5, 16]
        flatten(),
        ...drop,
        dense(400, 10, { seed: seed + 2 }),
      ]);
    default: {
      const unknown: never = name;
      throw new Error(`unknown model ${String(unknown)}`);
    }
  }
}
