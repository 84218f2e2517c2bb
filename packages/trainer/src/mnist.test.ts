import { cpu } from "@neurite/backend-cpu";
import { loadMnistSplit } from "@neurite/data-loaders/mnist";
import { dense, sequential } from "@neurite/layers";
import { categoricalAccuracy, categoricalCrossEntropy } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { setBackend } from "@neurite/tensor-core";
import { beforeAll, expect, it } from "vitest";
import { evaluate } from "./evaluate.js";
import { fit } from "./fit.js";

beforeAll(async () => {
  await setBackend(cpu());
});

it("an MLP on the mnist package's digits reaches at least 90% test accuracy", async () => {
  const { train, test } = await loadMnistSplit({ test: 1 / 6, seed: 7 });
  const model = sequential([dense(784, 64, { activation: "relu", init: "heNormal", seed: 1 }), dense(64, 10, { seed: 2 })]);
  const loss = (logits: Parameters<typeof categoricalCrossEntropy>[0], labels: Parameters<typeof categoricalCrossEntropy>[1]) =>
    categoricalCrossEntropy(logits, labels, { fromLogits: true });
  const history = await fit(model, train, { loss, optimizer: adam({ lr: 2e-3 }), epochs: 4, batchSize: 64, labels: "int32", seed: 3 });
  const { accuracy } = await evaluate(model, test, { loss, metrics: { accuracy: categoricalAccuracy }, labels: "int32" });
  console.log(`mnist: ${train.length} train / ${test.length} test digits, losses ${history.series.loss!.map((l) => l.toFixed(3)).join(" → ")}, test accuracy ${accuracy!.toFixed(4)}`);
  expect(accuracy).toBeGreaterThanOrEqual(0.9);
  model.dispose();
}, 120_000);
