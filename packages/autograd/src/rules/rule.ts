import type { DType, Tensor } from "@neurite/tensor-core";

/**
 * What a gradient rule knows about one recorded op. Shapes and dtypes are always there; the tensors are
 * there only when the rule's `save` asks for them, because every saved tensor stays alive until the
 * backward pass has used it.
 */
export interface NodeContext {
  readonly op: string;
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly inputShapes: readonly (readonly number[])[];
  readonly inputDTypes: readonly DType[];
  readonly outputShape: readonly number[];
  /** Input `i` as it was when the op ran. */
  input(i: number): Tensor;
  /** The op's result. */
  output(): Tensor;
}

/**
 * The gradient of one input: a thunk, so that the tape computes only the gradients it needs (a matmul by a
 * constant weight never forms the weight's gradient). `null` means "no gradient flows to this input".
 */
export type InputGradient = (() => Tensor) | null;

/** Which forward tensors a gradient rule keeps for its backward pass: none, the inputs, the output, both, or the inputs at these indices. */
export type Save = "none" | "inputs" | "output" | "both" | readonly number[];

/**
 * A vector-Jacobian product written with tensor-core ops: given `g = ∂L/∂output`, say how to form
 * `∂L/∂input` for each input. Because it is written with ops, every backend runs it, and when an outer tape
 * is recording, the backward pass is itself differentiable (gradients of gradients).
 */
export interface GradRule {
  /**
   * Which tensors `backward` reads: none, all inputs, the output, both, or the listed inputs. Shapes and
   * dtypes are always available.
   */
  readonly save: Save;
  backward(g: Tensor, node: NodeContext): readonly InputGradient[];
}

/** Shorthand for declaring a rule. */
export function rule(save: Save, backward: GradRule["backward"]): GradRule {
  return { save, backward };
}
