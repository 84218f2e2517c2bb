// The whole conformance kit, one vitest test per case. A case your backend cannot pass yet can be listed in
// `expectedFailures` with the reason; the kit tells you when such an entry is no longer needed.
import { describeConformance } from "@neurite/backend-conformance/vitest";
import { mine } from "./index.js";

describeConformance("mine", () => mine(), {
  expectedFailures: {},
});
