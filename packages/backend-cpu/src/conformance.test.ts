import { baseContractOnly } from "@neurite/backend-conformance";
import { describeConformance } from "@neurite/backend-conformance/vitest";
import { cpu } from "./index.js";

/**
 * The conformance kit on the CPU backend: every case, no expected failures. A backend that cannot pass a case
 * lists it in `expectedFailures` with the reason; the kit fails the suite if a listed case starts passing.
 *
 * It runs twice: with the optional capabilities (the `elementwise` program evaluator, the fused kernels), and
 * through the base contract alone, where the op layer expands programs and composes fused ops from the 16
 * kernel methods — the path every third-party backend written to the base contract takes.
 */
describeConformance("cpu", () => cpu());
describeConformance("cpu, base contract only", () => baseContractOnly(cpu()));
