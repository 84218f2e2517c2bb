import { withVariableValues, type Tensor, type Variable } from "@neurite/tensor-core";
import { StateDictError } from "./errors.js";
import { matchEntries, type Module } from "./module.js";

/**
 * Runs `module.forward(x)` with some of its parameters (or buffers) replaced by the given tensors, named
 * as in `namedParameters()`; the module's own values are left untouched. This is how to differentiate a
 * model with autograd, whose functions take tensors: the parameters become an ordinary argument.
 * Entries left out keep the module's values; an unknown name is a StateDictError, a mis-shaped tensor a
 * ShapeError. The tensors may have another float dtype than the module (gradcheck runs in float64).
 *
 * ```ts
 * const model = dense(2, 1);
 * const [x, y] = [tensor([[1, 2], [3, 4]]), tensor([[1], [0]])];
 * const values = Object.fromEntries(Object.entries(model.namedParameters()).map(([k, v]) => [k, v.value]));
 * const [loss, grads] = valueAndGrad((p: Record<string, Tensor>) => mse(functionalCall(model, p, x), y))(values);
 * ```
 */
export function functionalCall(module: Module, parameters: Readonly<Record<string, Tensor>>, x: Tensor): Tensor {
  const op = "functionalCall";
  const { matched, unexpected } = matchEntries(op, module, module.variableEntries(), parameters, false);
  if (unexpected.length > 0) {
    throw new StateDictError(
      { op, argument: unexpected[0]! },
      `${module.toString()} has no parameter named ${unexpected.map((n) => `'${n}'`).join(", ")}; its parameters are ${Object.keys(module.namedParameters()).join(", ") || "none"}`,
      [],
      unexpected,
    );
  }
  const substitutions = new Map<Variable, Tensor>();
  for (const [entry, value] of matched) substitutions.set(entry.variable, value);
  return withVariableValues(substitutions, () => module.forward(x));
}
