import { NeuriteError } from "@neurite/tensor-core";

/** Training went wrong in a way the user must see: a NaN or infinite loss, with the epoch and step. */
export class TrainingError extends NeuriteError {
  constructor(
    message: string,
    readonly epoch: number,
    readonly step: number,
  ) {
    super({ op: "fit" }, message);
  }
}
