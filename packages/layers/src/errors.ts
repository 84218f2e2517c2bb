import { NeuriteError, type ErrorSite } from "@neurite/tensor-core";

/**
 * A state dict (or a `functionalCall` parameter tree) whose names do not match the module's: entries the
 * module needs that are missing, or entries it has no parameter for. `missing` and `unexpected` list the
 * names. Mis-shaped entries are a `ShapeError`, entries of the wrong dtype a `DTypeError`.
 */
export class StateDictError extends NeuriteError {
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];

  constructor(site: ErrorSite, message: string, missing: readonly string[], unexpected: readonly string[]) {
    super(site, message);
    this.missing = missing;
    this.unexpected = unexpected;
  }
}
