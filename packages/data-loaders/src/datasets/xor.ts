import { fromArrays } from "../arrays.js";
import type { InMemoryDataset } from "../dataset.js";

/**
 * XOR: the four points of {0, 1}² labelled 1 where exactly one input is 1 — the classic problem that a
 * single neuron cannot solve and one hidden layer can.
 *
 * ```ts
 * xor().get(1); // { x: [0, 1], y: [1] }
 * ```
 */
export function xor(): InMemoryDataset {
  return fromArrays(
    [[0, 0], [0, 1], [1, 0], [1, 1]],
    [[0], [1], [1], [0]],
    { name: "xor", featureNames: ["a", "b"], labelNames: ["a xor b"] },
  );
}
