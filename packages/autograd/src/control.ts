import { clone, runOp, Tensor } from "@neurite/tensor-core";
import { GradientError } from "./errors.js";
import { CUSTOM_PREFIX, type GradRule } from "./rules/index.js";

// `noGrad` switches the op recorder off, which needs nothing from the tape: it lives in tensor-core so that
// inference-only code (layers, a prediction loop) does not install autograd, and is re-exported here.
export { noGrad } from "@neurite/tensor-core";

/**
 * The same values as `x`, through which no gradient flows: to a tape it is a constant. (A new handle on
 * the same data, as `clone` is.)
 *
 * ```ts
 * const qValues = tensor([[1, 3], [2, 0]]);
 * const target = stopGradient(qValues.max(1)); // a fixed target in a TD-style loss
 * ```
 */
export function stopGradient(x: Tensor): Tensor {
  return runOp("stopGradient", [x], {}, true, () => clone(x));
}

/** What a custom gradient rule receives: the op's inputs and output, as they were in the forward pass. */
export interface CustomGradContext<A extends readonly Tensor[]> {
  readonly inputs: A;
  readonly output: Tensor;
}

/**
 * Gives an op or a layer its own gradient rule. `forward` computes the value from tensor inputs; `backward`
 * receives g = ∂L/∂output and returns ∂L/∂input for each input (or null for "no gradient"), written with
 * tensor ops — so it runs on every backend and can itself be differentiated. Tapes record the new op as
 * one node and never look inside `forward`.
 *
 * ```ts
 * // log(1 + eˣ) with the stable derivative σ(x)
 * const softplus = customGrad(
 *   (x: Tensor) => x.exp().add(1).log(),
 *   (g, { inputs: [x] }) => [g.mul(x.sigmoid())],
 *   "softplus",
 * );
 * ```
 */
export function customGrad<A extends Tensor[]>(
  forward: (...inputs: A) => Tensor,
  backward: (g: Tensor, context: CustomGradContext<A>) => readonly (Tensor | null)[],
  name: string = forward.name || "anonymous",
): (...inputs: A) => Tensor {
  const op = `${CUSTOM_PREFIX}${name}`;
  const rule: GradRule = {
    save: "both",
    backward(g, node) {
      const inputs = node.inputShapes.map((_, i) => node.input(i)) as A;
      const grads = backward(g, { inputs, output: node.output() });
      if (grads.length !== inputs.length) {
        throw new GradientError(
          { op },
          `the custom backward returned ${grads.length} gradients; expected one gradient (or null) per input, ${inputs.length} in all`,
        );
      }
      return grads.map((t) => (t === null ? null : () => t));
    },
  };
  return (...inputs: A) => {
    for (const [i, t] of inputs.entries()) {
      if (!(t instanceof Tensor)) throw new GradientError({ op, argument: String(i) }, "a customGrad op takes tensors only; capture other values in the closure");
    }
    return runOp(op, inputs, { rule }, false, () => forward(...inputs));
  };
}
