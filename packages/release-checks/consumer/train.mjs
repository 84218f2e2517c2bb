// A user's Node script, run against the installed tarballs: it trains a small MLP on the CPU on the course
// notes' table, saves a checkpoint file, loads it into a freshly initialized model of the same shape, and
// prints what the test checks as one line of JSON.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpu } from "@neurite/backend-cpu";
import { courseNotesTable, standardize } from "@neurite/data-loaders";
import { dense, sequential } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { memory, noGrad, setBackend, tensor } from "@neurite/tensor-core";
import { fit, loadTraining, saveTraining } from "@neurite/trainer";
import { saveCheckpointFile } from "@neurite/trainer/node";

await setBackend(cpu());
const table = courseNotesTable();
const data = standardize(table).apply(table);
const mlp = (seed) => sequential([dense(3, 8, { activation: "tanh", seed }), dense(8, 1, { seed: seed + 1 })]);

const model = mlp(1);
const history = await fit(model, data, { loss: mse, optimizer: adam({ lr: 0.05 }), epochs: 60, mode: "batch", seed: 1 });

const dir = await mkdtemp(join(tmpdir(), "neurite-consumer-"));
const file = join(dir, "model.nrt");
await saveCheckpointFile(file, await saveTraining(model, null, { epoch: history.epochs.length }));

const restored = mlp(100); // other initial weights: only the checkpoint can make it agree with `model`
const meta = loadTraining(new Uint8Array(await readFile(file)), restored);
await rm(dir, { recursive: true });

const x = tensor(data.x).reshape([data.length, data.featureWidth]);
const [before, after] = noGrad(() => [model.forward(x), restored.forward(x)]);
const a = await before.data();
const b = await after.data();
let maxDifference = 0;
for (let i = 0; i < a.length; i++) maxDifference = Math.max(maxDifference, Math.abs(a[i] - b[i]));

const loss = history.series.loss;
console.log(JSON.stringify({ firstLoss: loss[0], lastLoss: loss.at(-1), epochs: loss.length, meta, predictions: a.length, maxDifference, liveTensors: memory().tensors }));
