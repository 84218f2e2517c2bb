import { NeuriteError } from "@neurite/tensor-core";

/**
 * A gradient that cannot be taken: a non-scalar output without a cotangent, an int or bool argument, a
 * function that returns no tensor, or an op that has no gradient rule (the error's `op` names that op).
 */
export class GradientError extends NeuriteError {}
