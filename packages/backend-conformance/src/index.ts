/**
 * @neurite/backend-conformance — the conformance kit of Neurite. Cases are plain objects that throw when a
 * backend does not conform; `runConformance` runs them with leak checks and an expected-failure manifest, and
 * `@neurite/backend-conformance/vitest` registers them as vitest tests.
 */
export { appliesTo, ConformanceFailure, type ConformanceCase, type FailureDetails } from "./case.js";
export {
  activationCases,
  allCases,
  convPoolCases,
  creationCases,
  elementwiseCases,
  errorCases,
  gradientCases,
  matmulFamilyCases,
  memoryCases,
  movementCases,
  programCases,
  randomCases,
  reduceFamilyCases,
} from "./cases/index.js";
export { baseContractOnly } from "./base-contract.js";
export { countingBackend, type CountingBackend, type KernelCounts } from "./counting.js";
export { checkOp, compareValues, describeValues, expected, expectTensor, operand, Tracker, type Expected, type Operand } from "./check.js";
export { checkGradient, type GradientSpec } from "./cases/gradient-check.js";
export { defineCase, expectError, type CaseContext, type ErrorExpectation } from "./define.js";
export * as reference from "./reference/index.js";
export { Rng } from "./rng.js";
export {
  runCase,
  runConformance,
  unknownManifestEntries,
  type CaseResult,
  type CaseStatus,
  type ConformanceOptions,
  type ConformanceReport,
  type ExpectedFailures,
} from "./run.js";
export { EXACT, GRADIENT_TOLERANCES, gradientTolerance, TOLERANCES, toleranceFor, type Tolerance, type ToleranceKind } from "./tolerance.js";
