// Sums the vitest JSON reports that each package wrote (test-results.json) and prints the closing line
// "N passed, N failed" that CI reads. Exits non-zero when a test failed, a suite failed to load, or a
// package with tests wrote no report.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

let passed = 0;
let failed = 0;
let problems = 0;
// Workspace packages live in packages/*, apps/*, and the single folders docs/ and bench/.
const dirs = [];
for (const group of ["packages", "apps"]) {
  if (existsSync(group)) for (const name of readdirSync(group)) dirs.push(join(group, name));
}
for (const single of ["docs", "bench"]) dirs.push(single);
{
  for (const dir of dirs) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const hasTests = JSON.parse(readFileSync(manifest, "utf8")).scripts?.test !== undefined;
    const report = join(dir, "test-results.json");
    if (!existsSync(report)) {
      if (hasTests) {
        console.log(`${dir}: no test report (its test task did not run to the end)`);
        problems++;
      }
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    const brokenSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0);
    for (const s of brokenSuites) console.log(`${dir}: suite failed to run: ${s.name}\n${s.message}`);
    problems += brokenSuites.length;
    console.log(`${dir}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
  }
}
console.log(`${passed} passed, ${failed + problems} failed`);
process.exit(failed + problems > 0 ? 1 : 0);
