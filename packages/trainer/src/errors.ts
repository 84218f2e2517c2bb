import { NeuriteError } from "@neurite/tensor-core";

/**
 * Training went wrong in a way the user must see — a NaN or infinite loss or gradient, a batch the loss
 * refused — with the epoch and step where it happened, and the parameter whose gradient was not finite.
 */
export class TrainingError extends NeuriteError {
  /** The first parameter whose gradient was not finite, when that is what happened. */
  readonly parameter: string | undefined;

  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
    details: { readonly parameter?: string | undefined; readonly cause?: unknown } = {},
  ) {
    super({ op: "fit" }, message);
    this.parameter = details.parameter;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}
