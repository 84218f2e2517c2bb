import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataLoader, fromArrays } from "@neurite/data-loaders";
import { dense, sequential } from "@neurite/layers";
import { binaryCrossEntropy, mse } from "@neurite/losses";
import { adam, sgd } from "@neurite/optimizers";
import { ArgumentError, ShapeError, tensor } from "@neurite/tensor-core";
import { CheckpointError, TrainingError, decodeCheckpoint, earlyStopping, evaluate, fit, loadTraining, predict, saveTraining } from "../index.js";
import { saveCheckpointFile } from "../node.js";
import { weightsOf } from "./models.js";
import type { Refusal } from "./table.js";

const line = () => fromArrays([[1], [2], [3], [4]], [[2], [4], [6], [8]]);

/** A dense(1, 1) that fits `line` exactly: √mse is 0 there and its gradient NaN. */
function exact() {
  const model = sequential([dense(1, 1)]);
  const [w, b] = [tensor([[2]]), tensor([0])];
  model.loadStateDict({ "0.weight": w, "0.bias": b });
  w.dispose();
  b.dispose();
  return model;
}

/** trainer: fit's options and data, non-finite gradients, refused labels. */
export const trainer: readonly Refusal[] = [
  {
    name: "fit without an optimizer",
    error: ArgumentError,
    words: ["fit", "optimizer", "adam({ lr: 0.01 })"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      return { act: () => fit(model, line(), { loss: mse, epochs: 1 } as never), state: () => weightsOf(model), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "an unknown onNonFinite",
    error: ArgumentError,
    words: ["fit", "onNonFinite", '"ignore"', '"error" or "skip"'],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      return { act: () => fit(model, line(), { loss: mse, optimizer: sgd(), epochs: 1, onNonFinite: "ignore" as never }), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "a loader that yields no batch",
    error: ArgumentError,
    words: ["fit", "data", "no batch", "dropLast"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      const loader = new DataLoader(line(), { batchSize: 8, dropLast: true });
      return { act: () => fit(model, loader, { loss: mse, optimizer: sgd(), epochs: 1 }), state: () => weightsOf(model), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "a finite loss with NaN gradients (√mse at an exact fit)",
    error: TrainingError,
    words: ["fit", "gradient of '0.weight'", "epoch 0, step 0", "weights are those from before"],
    arrange: () => {
      const model = exact();
      // Plain SGD keeps no slots, so the row's state is exactly the weights and the step count.
      const optimizer = sgd();
      return {
        act: () => fit(model, line(), { loss: (p, y) => mse(p, y).sqrt(), optimizer, epochs: 2, batchSize: 2, shuffle: false }),
        state: () => ({ weights: weightsOf(model), iterations: optimizer.iterations }),
        cleanup: () => { model.dispose(); },
      };
    },
  },
  {
    name: "labels outside [0, 1] for binaryCrossEntropy inside fit",
    error: TrainingError,
    words: ["fit", "epoch 0, step 0", "binaryCrossEntropy (argument 'labels')"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 2, activation: "sigmoid" })]);
      const optimizer = sgd({ lr: 0.1 });
      return {
        act: () => fit(model, line(), { loss: binaryCrossEntropy, optimizer, epochs: 1, batchSize: 2, shuffle: false }),
        state: () => ({ weights: weightsOf(model), iterations: optimizer.iterations }),
        cleanup: () => { model.dispose(); },
      };
    },
  },
  {
    name: "evaluate on no samples",
    error: ArgumentError,
    words: ["evaluate", "data", "no samples"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      return { act: () => evaluate(model, new DataLoader(line(), { batchSize: 8, dropLast: true }), { loss: mse }), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "epochs given as a string",
    error: ArgumentError,
    words: ["fit", "epochs", 'the string "10"'],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      return { act: () => fit(model, line(), { loss: mse, optimizer: sgd(), epochs: "10" as never }), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "fit on inputs of the wrong width (named as the layer, not as valueAndGrad)",
    error: ShapeError,
    words: ["Dense(3 → 1) (argument 'x')", "expected 3 input features", "[4, 1]"],
    notWords: ["valueAndGrad"],
    arrange: () => {
      const model = sequential([dense(3, 1, { seed: 1 })]);
      return { act: () => fit(model, line(), { loss: mse, optimizer: sgd(), epochs: 1 }), state: () => weightsOf(model), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "fit with targets of another width (named as the loss, not as valueAndGrad or sub)",
    error: ShapeError,
    words: ["mse (argument 'targets')", "[4, 2]", "[4, 1]"],
    notWords: ["valueAndGrad"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      const data = fromArrays([[1], [2], [3], [4]], [[2, 0], [4, 0], [6, 0], [8, 0]]);
      return { act: () => fit(model, data, { loss: mse, optimizer: sgd(), epochs: 1, batchSize: 4 }), state: () => weightsOf(model), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "predict on a batch of no samples (named as predict, not as 'concat')",
    error: ArgumentError,
    words: ["predict (argument 'x')", "[0, 1]", "no samples"],
    arrange: () => {
      const model = sequential([dense(1, 1, { seed: 1 })]);
      const x = tensor([], { shape: [0, 1] });
      return { act: () => predict(model, x), cleanup: () => { model.dispose(); x.dispose(); } };
    },
  },
  {
    name: "a negative patience",
    error: ArgumentError,
    words: ["earlyStopping", "patience", "-1"],
    arrange: () => ({ act: () => earlyStopping({ patience: -1 }) }),
  },
];

/** checkpoints: refused files and optimizer parts, typed file-system errors. */
export const checkpoints: readonly Refusal[] = [
  {
    name: "a model-only checkpoint loaded with an optimizer: the model is not written",
    error: CheckpointError,
    words: ["checkpoint", "no optimizer state"],
    arrange: async () => {
      const source = sequential([dense(1, 1, { seed: 1 })]);
      const bytes = await saveTraining(source, null);
      source.dispose();
      const model = sequential([dense(1, 1, { seed: 2 })]);
      const optimizer = adam();
      return { act: () => loadTraining(bytes, model, optimizer), state: () => ({ weights: weightsOf(model), iterations: optimizer.iterations }), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "SGD state loaded into Adam: the model is not written",
    error: CheckpointError,
    words: ["checkpoint", "does not fit the optimizer", "'sgd'", "'adam'"],
    arrange: async () => {
      const source = sequential([dense(1, 1, { seed: 1 })]);
      const bytes = await saveTraining(source, sgd());
      source.dispose();
      const model = sequential([dense(1, 1, { seed: 2 })]);
      return { act: () => loadTraining(bytes, model, adam()), state: () => weightsOf(model), cleanup: () => { model.dispose(); } };
    },
  },
  {
    name: "bytes that are not a checkpoint",
    error: CheckpointError,
    words: ["checkpoint", "byte"],
    arrange: () => ({ act: () => decodeCheckpoint(new TextEncoder().encode("not a checkpoint at all"), "notes.txt") }),
  },
  {
    name: "a save into a folder that does not exist",
    error: CheckpointError,
    words: ["checkpoint", "model.nrt", "ENOENT"],
    arrange: async () => {
      const folder = await mkdtemp(join(tmpdir(), "neurite-reliability-"));
      return { act: () => saveCheckpointFile(join(folder, "missing", "model.nrt"), new Uint8Array(4)) };
    },
  },
];
