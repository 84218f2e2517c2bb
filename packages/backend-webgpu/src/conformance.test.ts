import { describeConformance } from "@neurite/backend-conformance/vitest";
import { gpuBackend } from "./testing/harness.js";

// The conformance kit, run on Dawn (SwiftShader without a GPU); webgpu.browser.test.ts runs it in Chromium.
// Every applicable case passes, so the expected-failure manifest is empty (an entry must name a case that
// genuinely fails, with the reason; the kit fails the run once such a case starts passing).
describeConformance("webgpu", () => gpuBackend(), {
  expectedFailures: {},
});
