// One training run in a fresh process, so each library's run starts clean and its peak memory (maxRSS) is
// its own. Prints one JSON line: the TrainingResult plus `maxRssMiB` and `cpuSeconds`.
import { train, type Task, type TrainingLibrary } from "./training.js";

const [task, library, quick] = process.argv.slice(2) as [Task, TrainingLibrary, string];
const result = await train(task, library, quick === "quick");
const usage = process.resourceUsage();
console.log(JSON.stringify({ ...result, maxRssMiB: usage.maxRSS / 1024, cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6 }));
