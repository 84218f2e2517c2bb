import type { Tensor } from "../tensor.js";
import { ProgramBuilder, type Expr } from "./builder.js";
import { runProgram, type ProgramOptions } from "./run.js";

/**
 * Runs an elementwise expression over `inputs` as one fused program: one kernel on a backend with the
 * `elementwise` capability, the primitive kernels it is made of elsewhere. `body` receives a
 * `ProgramBuilder` and one value per input and returns the result; numbers in it are constants, never
 * tensors. `op` names the expression in error messages; `options.names` names the inputs, and
 * `options.shape` gives an output shape larger than the inputs' broadcast shape.
 *
 * While autograd traces, the expression runs as its tensor ops, so it is differentiable (twice, too).
 *
 * ```ts
 * const [x, g] = [tensor([-1, 2, 3]), tensor([0.5, 0.5, 0.5])];
 * // ∂relu: the gradient passes where x > 0.
 * const dx = fuse("reluGrad", [x, g], (p, x, g) => p.where(p.binary("greater", x, 0), g, 0));
 * ```
 */
export function fuse(op: string, inputs: readonly Tensor[], body: (p: ProgramBuilder, ...values: Expr[]) => Expr, options?: ProgramOptions): Tensor {
  const builder = new ProgramBuilder(
    op,
    inputs.map((t) => t.dtype),
  );
  const program = builder.build(body(builder, ...inputs.map((_, i) => builder.input(i))));
  return runProgram(op, program, inputs, options);
}
