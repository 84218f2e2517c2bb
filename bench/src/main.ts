// `pnpm bench` (full) and `pnpm bench --quick` (or NEURITE_BENCH_QUICK=1): prints the table.
import { runBench } from "./run.js";

const quick = process.argv.includes("--quick") || process.env.NEURITE_BENCH_QUICK === "1";
const { text } = await runBench({ quick, log: (line) => process.stderr.write(`${line}\n`) });
console.log(text);
