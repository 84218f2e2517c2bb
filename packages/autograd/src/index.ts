/**
 * @neurite/autograd — reverse-mode automatic differentiation for Neurite. Gradients are rules written with
 * tensor-core ops, so every backend trains without writing a backward pass, and gradients of gradients work.
 *
 * ```ts
 * import { grad } from "@neurite/autograd";
 * const [dx, dy, dz] = grad((x: Tensor, y: Tensor, z: Tensor) => x.add(y).mul(z), [0, 1, 2])(scalar(-2), scalar(5), scalar(-4));
 * ```
 */
export { grad, valueAndGrad, vjp, type GradsAt, type VJP } from "./transforms.js";
export { customGrad, noGrad, stopGradient, type CustomGradContext } from "./control.js";
export { gradcheck, GradcheckError, type GradcheckComparison, type GradcheckOptions, type GradcheckReport } from "./gradcheck.js";
export { GradientError } from "./errors.js";
export type { Grad } from "./tree.js";
export { RULES, type GradRule, type InputGradient, type NodeContext, type Save } from "./rules/index.js";
