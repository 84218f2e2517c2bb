// Child process for the crash test: saves two checkpoints alternately to one path, forever, announcing each
// save on stdout, until the parent kills it (SIGKILL) in the middle of one.
import { readFileSync } from "node:fs";
import { saveCheckpointFile } from "../file.js";

const [target, first, second] = process.argv.slice(2) as [string, string, string];
const versions = [readFileSync(first), readFileSync(second)];
for (let i = 0; ; i++) {
  process.stdout.write(`begin ${i}\n`);
  await saveCheckpointFile(target, versions[i % 2]!);
  process.stdout.write(`end ${i}\n`);
}
