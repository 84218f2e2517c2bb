import { dense, relu, sequential, type Module } from "@neurite/layers";
import { PIXELS } from "./format.js";

/** The network the "Train on MNIST" button trains: 784 pixels → 128 ReLU neurons → 10 logits, one per digit. */
export function digitModel(seed = 3): Module {
  return sequential([dense(PIXELS, 128, { seed }), relu(), dense(128, 10, { seed: seed + 10 })]);
}
