// `pnpm bench` (full) and `pnpm bench --quick` (or NEURITE_BENCH_QUICK=1): prints the table.
// `--only=elementwise,mlp` runs those sections only (matmul, elementwise, reduce, mlp, cnn, bundle).
import { runBench, SECTIONS, type Section } from "./run.js";

const quick = process.argv.includes("--quick") || process.env.NEURITE_BENCH_QUICK === "1";
const onlyArg = process.argv.find((a) => a.startsWith("--only="));
const only = onlyArg?.slice("--only=".length).split(",").filter((s) => s !== "");
const unknown = only?.filter((s) => !(SECTIONS as readonly string[]).includes(s)) ?? [];
if (unknown.length > 0) {
  console.error(`pnpm bench: unknown section(s) in --only: ${unknown.join(", ")}; expected some of ${SECTIONS.join(", ")}`);
  process.exit(2);
}
const { text } = await runBench({ quick, only: only as Section[] | undefined, log: (line) => process.stderr.write(`${line}\n`) });
console.log(text);
