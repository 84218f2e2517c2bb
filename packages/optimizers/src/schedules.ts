import { checkRange } from "./validate.js";

/** A learning rate as a function of the epoch (0-based). The trainer applies it at the start of each epoch. */
export type Schedule = (epoch: number) => number;

/** η·γ^⌊epoch / stepSize⌋: multiply by γ every `stepSize` epochs. */
export function stepDecay(options: { readonly initial: number; readonly stepSize: number; readonly gamma?: number }): Schedule {
  const { initial, stepSize, gamma = 0.1 } = options;
  checkRange("stepDecay", "initial", initial, { min: 0, minExclusive: true });
  checkRange("stepDecay", "stepSize", stepSize, { min: 1 });
  checkRange("stepDecay", "gamma", gamma, { min: 0, max: 1, minExclusive: true });
  return (epoch) => initial * gamma ** Math.floor(epoch / stepSize);
}

/** η·γ^epoch: multiply by γ every epoch. */
export function exponentialDecay(options: { readonly initial: number; readonly gamma: number }): Schedule {
  const { initial, gamma } = options;
  checkRange("exponentialDecay", "initial", initial, { min: 0, minExclusive: true });
  checkRange("exponentialDecay", "gamma", gamma, { min: 0, max: 1, minExclusive: true });
  return (epoch) => initial * gamma ** epoch;
}

/**
 * Cosine annealing from `initial` down to `minimum` over `epochs` epochs, then held at `minimum`:
 * η_min + ½(η − η_min)(1 + cos(π·epoch / epochs)).
 */
export function cosineDecay(options: { readonly initial: number; readonly epochs: number; readonly minimum?: number }): Schedule {
  const { initial, epochs, minimum = 0 } = options;
  checkRange("cosineDecay", "initial", initial, { min: 0, minExclusive: true });
  checkRange("cosineDecay", "epochs", epochs, { min: 1 });
  checkRange("cosineDecay", "minimum", minimum, { min: 0, max: initial });
  return (epoch) => minimum + 0.5 * (initial - minimum) * (1 + Math.cos((Math.PI * Math.min(epoch, epochs)) / epochs));
}

/** Options of `ReduceOnPlateau`. */
export interface ReduceOnPlateauOptions {
  /** Multiply the learning rate by this when the metric stalls. Default 0.1. */
  readonly factor?: number;
  /** Epochs without improvement before reducing. Default 10. */
  readonly patience?: number;
  /** Smallest change that counts as an improvement. Default 1e-4. */
  readonly minDelta?: number;
  /** Never go below this learning rate. Default 0. */
  readonly minimum?: number;
  /** "min" for losses (default), "max" for accuracies. */
  readonly mode?: "min" | "max";
}

/**
 * Lowers the learning rate when a monitored metric stops improving. Feed it one value per epoch; it returns
 * the learning rate to use next.
 *
 * ```ts
 * const optimizer = sgd({ lr: 0.1 });
 * const plateau = new ReduceOnPlateau({ patience: 3 });
 * for (const validationLoss of [0.5, 0.4, 0.41, 0.42, 0.43, 0.44]) {
 *   optimizer.learningRate = plateau.observe(validationLoss, optimizer.learningRate); // 0.01 after three stalls
 * }
 * ```
 */
export class ReduceOnPlateau {
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly minimum: number;
  readonly mode: "min" | "max";
  #best = Number.NaN;
  #wait = 0;

  constructor(options: ReduceOnPlateauOptions = {}) {
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 1e-4;
    this.minimum = options.minimum ?? 0;
    this.mode = options.mode ?? "min";
    checkRange("ReduceOnPlateau", "factor", this.factor, { min: 0, max: 1, minExclusive: true, maxExclusive: true });
    checkRange("ReduceOnPlateau", "patience", this.patience, { min: 0 });
    checkRange("ReduceOnPlateau", "minDelta", this.minDelta, { min: 0 });
    checkRange("ReduceOnPlateau", "minimum", this.minimum, { min: 0 });
  }

  /** Records this epoch's metric and returns the learning rate for the next epoch. */
  observe(metric: number, learningRate: number): number {
    const improved =
      Number.isNaN(this.#best) || (this.mode === "min" ? metric < this.#best - this.minDelta : metric > this.#best + this.minDelta);
    if (improved) {
      this.#best = metric;
      this.#wait = 0;
      return learningRate;
    }
    if (++this.#wait > this.patience) {
      this.#wait = 0;
      return Math.max(this.minimum, learningRate * this.factor);
    }
    return learningRate;
  }
}
