// Early stopping keeps the weights that did best on held-out data and stops when they no longer improve;
// the checkpoint callback saves those weights, so a later run (or another page) can load them.
import { print } from "@docs/output";
import { twoMoons } from "@neurite/data-loaders";
import { dense, sequential, type Module } from "@neurite/layers";
import { binaryCrossEntropyWithLogits } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { checkpoint, earlyStopping, evaluate, fit, loadTraining, memoryStorage } from "@neurite/trainer";

const train = twoMoons({ n: 30, noise: 0.3, seed: 1 });
const validation = twoMoons({ n: 200, noise: 0.3, seed: 2 });
const network = (): Module => sequential([dense(2, 64, { activation: "relu", seed: 1 }), dense(64, 64, { activation: "relu", seed: 2 }), dense(64, 1, { seed: 3 })]);

const storage = memoryStorage(); // in a browser tab; fileStorage(path) in Node, indexedDbStorage(name) to keep it
const stopper = earlyStopping({ monitor: "val_loss", patience: 15, restoreBest: true });
const model = network();
const history = await fit(model, train, {
  loss: binaryCrossEntropyWithLogits,
  optimizer: adam({ lr: 0.01 }),
  epochs: 500,
  mode: "batch",
  seed: 7,
  validation,
  callbacks: [stopper, checkpoint({ storage, saveBestOnly: true, monitor: "val_loss" })],
});
const best = history.series.val_loss![stopper.bestEpoch!]!;
await print(`stopped after ${history.epochs.length} of 500 epochs: ${history.stopReason}`);
await print(`best epoch ${stopper.bestEpoch! + 1}, validation loss ${best.toFixed(4)}`);

// A fresh model with other weights, restored from the checkpoint, scores exactly the best epoch's loss.
const restored = network();
const bytes = await storage.load();
const meta = loadTraining(bytes!, restored);
const { loss } = await evaluate(restored, validation, { loss: binaryCrossEntropyWithLogits });
await print(`restored from the checkpoint of epoch ${(meta.epoch ?? 0) + 1}: validation loss ${loss!.toFixed(4)}`);
