import type { Module } from "@neurite/layers";
import { adadelta, adagrad, adam, rmsprop, sgd, type Optimizer } from "@neurite/optimizers";
import { valueAndGrad } from "@neurite/autograd";
import { type Tensor, type Variable } from "@neurite/tensor-core";
import type { OptimizerName } from "./plane/config.js";

/** The optimizer the person picked, at learning rate `lr`. */
export function makeOptimizer(name: OptimizerName, lr: number): Optimizer {
  switch (name) {
    case "adam":
      return adam({ lr });
    case "sgd":
      return sgd({ lr });
    case "momentum":
      return sgd({ lr, momentum: 0.9 });
    case "rmsprop":
      return rmsprop({ lr });
    case "adagrad":
      return adagrad({ lr });
    case "adadelta":
      return adadelta({ lr });
  }
}

/** The model's trainable parameters by name, as the optimizer pairs them with their gradients. */
export function trainableParameters(model: Module): Record<string, Variable> {
  return Object.fromEntries(Object.entries(model.namedParameters()).filter(([, v]) => v.trainable));
}

/**
 * One gradient-descent update: forward pass, `objective` (the loss plus any penalty), backpropagation, and
 * the optimizer's step. It returns the objective's value, the caller's to read or dispose; everything else it
 * creates is freed. Nothing is read back here, so a GPU keeps its queue full.
 */
export function trainStep(model: Module, optimizer: Optimizer, objective: (weights: Record<string, Tensor>) => Tensor): Tensor {
  const parameters = trainableParameters(model);
  const [loss, grads] = valueAndGrad((params: Record<string, Variable>) =>
    objective(Object.fromEntries(Object.entries(params).map(([name, v]) => [name, v.value]))),
  )(parameters);
  try {
    optimizer.step(parameters, grads);
  } catch (error) {
    loss.dispose();
    throw error;
  } finally {
    for (const g of Object.values(grads)) g.dispose();
  }
  return loss;
}
