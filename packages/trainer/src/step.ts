import { valueAndGrad } from "@neurite/autograd";
import type { Module } from "@neurite/layers";
import type { Loss, Regularizer } from "@neurite/losses";
import { keep, tidy, type Tensor, type Variable } from "@neurite/tensor-core";

/** What one gradient computation leaves behind: the loss, the predictions and the gradients (all owned). */
export interface Gradients {
  readonly loss: Tensor;
  readonly predictions: Tensor;
  readonly grads: Record<string, Tensor>;
  dispose(): void;
}

/**
 * Forward pass, loss (plus the weight penalty) and backward pass for one batch: ∂J/∂W for every trainable
 * parameter of `model`, by reverse-mode differentiation over the model's Variables.
 */
export function computeGradients(model: Module, x: Tensor, y: Tensor, loss: Loss, regularizer: Regularizer | undefined): Gradients {
  const parameters = trainable(model);
  let predictions: Tensor | undefined;
  let value: Tensor;
  let grads: Record<string, Tensor>;
  try {
    [value, grads] = valueAndGrad((_params: Record<string, Variable>) => {
      const output = model.forward(x);
      // Kept out of the traced scope so metrics can be computed from the same forward pass.
      predictions = keep(output.clone());
      const error = loss(output, y);
      if (regularizer === undefined) return error;
      return error.add(regularizer(parameters));
    })(parameters);
  } catch (error) {
    // A loss that throws (a shape mismatch, a refused input) must not leave the kept predictions behind.
    predictions?.dispose();
    throw error;
  }
  const owned = predictions!;
  return {
    loss: value,
    predictions: owned,
    grads,
    dispose() {
      value.dispose();
      owned.dispose();
      for (const g of Object.values(grads)) g.dispose();
    },
  };
}

/** The model's trainable parameters, by name. */
export function trainable(model: Module): Record<string, Variable> {
  return Object.fromEntries(Object.entries(model.namedParameters()).filter(([, v]) => v.trainable));
}

/** √(Σ‖after − before‖²) over the parameters: how far one update moved the weights. */
export function updateNorm(before: Readonly<Record<string, Tensor>>, parameters: Readonly<Record<string, Variable>>): Tensor {
  return tidy(() =>
    Object.entries(parameters)
      .map(([name, v]) => v.value.sub(before[name]!).square().sum())
      .reduce((a, b) => a.add(b))
      .sqrt(),
  );
}
