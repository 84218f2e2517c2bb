import { describeConformance } from "@neurite/backend-conformance/vitest";
import { cpu } from "./index.js";

/**
 * The conformance kit on the CPU backend: every case, no expected failures. A backend that cannot pass a case
 * lists it in `expectedFailures` with the reason; the kit fails the suite if a listed case starts passing.
 */
describeConformance("cpu", () => cpu());
