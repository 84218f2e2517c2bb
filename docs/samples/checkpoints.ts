// Save a model and its optimizer, load them into a fresh model, and check the two agree. In this browser the
// checkpoint goes to IndexedDB (it survives a reload: run the sample twice); where there is no IndexedDB
// (Node), to memory.
import { print } from "@docs/output";
import { xor } from "@neurite/data-loaders";
import { dense, sequential } from "@neurite/layers";
import { binaryCrossEntropyWithLogits } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { tensor } from "@neurite/tensor-core";
import { fit, indexedDbStorage, loadTraining, memoryStorage, saveTraining } from "@neurite/trainer";

const storage = typeof indexedDB === "undefined" ? memoryStorage() : indexedDbStorage("docs-checkpoint-sample");
await print("storage:", typeof indexedDB === "undefined" ? "memory" : "IndexedDB");

const before = await storage.load();
await print(before === null ? "no checkpoint saved yet" : `found a checkpoint of ${before.byteLength} bytes from an earlier run`);

const model = sequential([dense(2, 8, { activation: "tanh", seed: 1 }), dense(8, 1, { seed: 2 })]);
const optimizer = adam({ lr: 0.05 });
await fit(model, xor(), { loss: binaryCrossEntropyWithLogits, optimizer, epochs: 200, mode: "batch" });
const bytes = await saveTraining(model, optimizer, { epoch: 200, note: "xor" });
await storage.save(bytes);
await print(`saved ${bytes.byteLength} bytes (weights, Adam's moments, and the epoch)`);

const restored = sequential([dense(2, 8, { activation: "tanh", seed: 7 }), dense(8, 1, { seed: 8 })]);
const meta = loadTraining((await storage.load())!, restored, adam({ lr: 0.05 }));
const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
const [p, q] = [await model.forward(x).sigmoid().data(), await restored.forward(x).sigmoid().data()];
await print("epoch in the checkpoint:", meta.epoch ?? "none");
await print("original:", Array.from(p, (v) => v.toFixed(3)).join(" "), " restored:", Array.from(q, (v) => v.toFixed(3)).join(" "));
await print(p.every((v, i) => v === q[i]) ? "identical predictions" : "the predictions differ");
