// Training on whatever backend the page picked — WebGPU when this browser has an adapter. The loss curve
// grows while the worker trains; the page stays responsive, and Stop ends the run.
import { plot, print } from "@docs/output";
import { spirals } from "@neurite/data-loaders";
import { dense, sequential } from "@neurite/layers";
import { binaryAccuracy, binaryCrossEntropyWithLogits } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { getBackend } from "@neurite/tensor-core";
import { fit } from "@neurite/trainer";

await print("training on:", getBackend().name);
const data = spirals({ n: 256, noise: 0.05, seed: 1 });
const model = sequential([dense(2, 32, { activation: "tanh", seed: 1 }), dense(32, 32, { activation: "tanh", seed: 2 }), dense(32, 1, { seed: 3 })]);
const curve = plot({ title: "two spirals: loss and accuracy per epoch", xLabel: "epoch", series: [], yDomain: [0, 1] });
const history = await fit(model, data, {
  loss: binaryCrossEntropyWithLogits,
  optimizer: adam({ lr: 0.02 }),
  epochs: 60,
  batchSize: 64,
  seed: 2,
  metrics: { accuracy: (p, y) => binaryAccuracy(p, y, { threshold: 0 }) },
  callbacks: [{ onEpochEnd: (epoch, logs) => { curve.append("loss", { x: epoch + 1, y: logs.loss! }); curve.append("accuracy", { x: epoch + 1, y: logs.accuracy! }); } }],
});
await print(`after ${history.steps} steps: loss ${history.series.loss!.at(-1)!.toFixed(3)}, accuracy ${(history.series.accuracy!.at(-1)! * 100).toFixed(1)}%`);
