/**
 * @neurite/layers — modules and layers: the `Module` base (named parameters, nested modules, train/eval
 * modes, state dicts), `Dense`, the course notes' activations with their correct derivatives, `Dropout`,
 * `Conv2d`, pooling, `Flatten`, `BatchNorm`, `Sequential`, initializers and `summary`.
 *
 * The layer factories `relu()`, `sigmoid()`, `tanh()`, `softsign()`, `step()`, `leakyRelu()`, `softmax()`,
 * `conv2d()`, `maxPool2d()` and `avgPool2d()` share their names with tensor-core's ops: import layers from
 * here, and the ops under another name (`import { relu as reluOp } from "@neurite/tensor-core"`) or use the
 * tensor methods (`x.relu()`). The initializers come as the namespace `init` (`init.heNormal()`) for the same
 * reason (`zeros`, `ones`).
 *
 * ```ts
 * import { sequential, dense, relu, dropout, summary } from "@neurite/layers";
 * const model = sequential([dense(8, 16), relu(), dropout(0.5), dense(16, 4)]);
 * console.log(summary(model, [8]).text);
 * ```
 */
export {
  Activation,
  LeakyReLU,
  ReLU,
  Sigmoid,
  Softmax,
  Softsign,
  Step,
  Tanh,
  activationTable,
  leakyRelu,
  relu,
  sigmoid,
  softmax,
  softsign,
  step,
  tanh,
  type ActivationInfo,
  type ActivationName,
} from "./activations.js";
export { BatchNorm, batchNorm, type BatchNormOptions } from "./batchnorm.js";
export { Conv2d, conv2d, type Conv2dOptions } from "./conv.js";
export { Dense, dense, type DenseOptions, type WeightOptions } from "./dense.js";
export { Dropout, dropout, type DropoutOptions } from "./dropout.js";
export { StateDictError } from "./errors.js";
export { Flatten, flatten } from "./flatten.js";
export { functionalCall } from "./functional.js";
export * as init from "./initializers.js";
export type { InitContext, Initializer, InitializerName } from "./initializers.js";
export { Module, type LoadStateDictOptions, type LoadStateDictResult, type VariableEntry } from "./module.js";
export { AvgPool2d, MaxPool2d, avgPool2d, maxPool2d, type Pool2dOptions } from "./pooling.js";
export { Lambda, Sequential, lambda, sequential } from "./sequential.js";
export { summary, type ModelSummary, type SummaryOptions, type SummaryRow } from "./summary.js";
