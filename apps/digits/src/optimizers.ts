// The --optimizer choices, each with the --lr given.
import { adadelta, adagrad, adam, adamW, rmsprop, sgd, type Optimizer } from "@neurite/optimizers";
import type { OptimizerName } from "./args.js";

/**
 * The named optimizer at learning rate `lr` (SGD with momentum 0.9, the others with their usual defaults).
 *
 * ```ts
 * const optimizer = buildOptimizer("adam", 0.002);
 * ```
 */
export function buildOptimizer(name: OptimizerName, lr: number): Optimizer {
  switch (name) {
    case "adam":
      return adam({ lr });
    case "adamw":
      return adamW({ lr });
    case "sgd":
      return sgd({ lr, momentum: 0.9 });
    case "rmsprop":
      return rmsprop({ lr });
    case "adagrad":
      return adagrad({ lr });
    case "adadelta":
      return adadelta({ lr });
    default: {
      const unknown: never = name;
      throw new Error(`unknown optimizer ${String(unknown)}`);
    }
  }
}
