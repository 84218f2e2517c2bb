// Runs the whole conformance kit on the backend template as shipped (built into backend-template/dist):
// every case a kernel is needed for must fail naming that kernel. Prints a summary as one line of JSON.
import { runConformance } from "@neurite/backend-conformance";
import { mine } from "./backend-template/dist/index.js";

const report = await runConformance(mine());
const kernels = {};
const unexplained = [];
for (const result of report.failed) {
  const kernel = /not implemented: (\w+)/.exec(result.message ?? "")?.[1];
  if (kernel === undefined) unexplained.push(`${result.name}: ${result.message}`);
  else kernels[kernel] = (kernels[kernel] ?? 0) + 1;
}
console.log(JSON.stringify({ passed: report.passed.length, failed: report.failed.length, kernels, unexplained }));
