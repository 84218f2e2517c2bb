/**
 * The digit pad's worker: trains the digit model on the page's MNIST copy (or loads one from a checkpoint)
 * and reads drawn digits, off the page's thread.
 */
import { DataLoader, type InMemoryDataset } from "@neurite/data-loaders";
import type { Module } from "@neurite/layers";
import { categoricalAccuracy, categoricalCrossEntropy } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { keep, setSeed, softmax, tensor, tidy } from "@neurite/tensor-core";
import { saveTraining } from "@neurite/trainer";
import { useBackend, type WorkerScope } from "../backend.js";
import { trainStep } from "../model.js";
import { digitSets } from "./dataset.js";
import { PIXELS } from "./format.js";
import { modelFromCheckpoint } from "./checkpoint.js";
import { digitModel } from "./model.js";
import type { DigitsReply, DigitsRequest } from "./protocol.js";

const EPOCHS = 3;
const BATCH_SIZE = 64;

const scope = self as unknown as WorkerScope;
const post = (reply: DigitsReply, transfer: Transferable[] = []): void => {
  scope.postMessage(reply, transfer);
};

let model: Module | null = null;
/** The shape a drawn digit takes for this model: flat for an MLP, an image for a CNN. */
let inputShape: readonly number[] = [1, PIXELS];
let description = "";
let sets: { train: InMemoryDataset; test: InMemoryDataset } | null = null;
let queue: Promise<void> = Promise.resolve();

async function digits(url: string): Promise<{ train: InMemoryDataset; test: InMemoryDataset }> {
  if (sets !== null) return sets;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch the MNIST digits (${url}): HTTP ${response.status}`);
  sets = digitSets(new Uint8Array(await response.arrayBuffer()));
  return sets;
}

/** Fraction of `data` the model labels right. */
async function accuracy(m: Module, data: InMemoryDataset): Promise<number> {
  const value = tidy(() => keep(categoricalAccuracy(m.forward(tensor(data.x, { shape: [data.length, PIXELS] })), tensor(data.y, { dtype: "int32" }))));
  const [fraction] = await value.data();
  value.dispose();
  return fraction!;
}

async function train(url: string): Promise<void> {
  const { train: trainSet, test } = await digits(url);
  setSeed(11);
  const next = digitModel();
  const optimizer = adam({ lr: 0.002 });
  const loader = new DataLoader(trainSet, { batchSize: BATCH_SIZE, shuffle: true, seed: 5, labels: "int32" });
  const perEpoch = loader.length!;
  next.train();
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    let step = 0;
    for await (const batch of loader.batches(epoch)) {
      const loss = trainStep(next, optimizer, () => categoricalCrossEntropy(next.forward(batch.x), batch.y, { fromLogits: true }));
      batch.dispose();
      step++;
      // Reading the loss makes the GPU catch up; every eighth step is often enough for the progress bar.
      if (step % 8 === 0 || step === perEpoch) {
        const [value] = await loss.data();
        post({ type: "progress", done: epoch * perEpoch + step, total: EPOCHS * perEpoch, loss: value!, epoch: epoch + 1, epochs: EPOCHS });
      }
      loss.dispose();
    }
  }
  optimizer.dispose();
  next.eval();
  const testAccuracy = await accuracy(next, test);
  replace(next, [1, PIXELS], `MLP ${PIXELS} → 128 → 10, trained here on ${trainSet.length} digits: ${(testAccuracy * 100).toFixed(1)}% right on ${test.length} test digits`);
}

function replace(next: Module, shape: readonly number[], text: string): void {
  model?.dispose();
  model = next;
  inputShape = shape;
  description = text;
  post({ type: "ready", description });
}

function load(bytes: ArrayBuffer, name: string): void {
  const loaded = modelFromCheckpoint(new Uint8Array(bytes), name);
  const epochs = typeof loaded.meta.epoch === "number" ? ` after ${loaded.meta.epoch} epoch${loaded.meta.epoch === 1 ? "" : "s"}` : "";
  replace(loaded.model, loaded.inputShape, `${loaded.summary}, loaded from ${name}${epochs}`);
}

async function predict(pixels: Float32Array): Promise<void> {
  if (model === null) return;
  const m = model;
  const probabilities = tidy(() => keep(softmax(m.forward(tensor(pixels, { shape: inputShape })), -1).reshape([10])));
  const values = Float32Array.from(await probabilities.data());
  probabilities.dispose();
  post({ type: "prediction", probabilities: values }, [values.buffer]);
}

async function handle(request: DigitsRequest): Promise<void> {
  switch (request.type) {
    case "backend": {
      // The weights move to the new backend through the checkpoint format: saved here, loaded there.
      const saved = model === null ? null : await saveTraining(model, null);
      const chosen = await useBackend(request.kind);
      post({ type: "backend", ...chosen });
      if (saved !== null) replace(modelFromCheckpoint(saved, "the current model").model, inputShape, description);
      break;
    }
    case "train":
      await train(request.url);
      break;
    case "load":
      load(request.bytes, request.name);
      break;
    case "predict":
      await predict(request.pixels);
      break;
    case "save": {
      if (model === null) return;
      const bytes = await saveTraining(model, null, { app: "neurite-playground", model: description });
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      post({ type: "saved", bytes: buffer }, [buffer]);
      break;
    }
    case "sample": {
      const { test } = await digits(request.url);
      const i = Math.floor(Math.random() * test.length);
      const pixels = test.x.slice(i * PIXELS, (i + 1) * PIXELS);
      post({ type: "sample", pixels, label: test.y[i]! }, [pixels.buffer]);
      break;
    }
  }
}

scope.addEventListener("message", (event: MessageEvent<DigitsRequest>) => {
  queue = queue
    .then(() => handle(event.data))
    .catch((error: unknown) => {
      post({ type: "error", message: error instanceof Error ? error.message : String(error) });
    });
});
