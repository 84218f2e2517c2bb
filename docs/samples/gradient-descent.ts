// Batch, stochastic and mini-batch gradient descent on the same data and the same network: one update per
// epoch, one per sample, one per 16 samples. The three loss curves grow live as each run trains.
import { plot, print } from "@docs/output";
import { twoMoons } from "@neurite/data-loaders";
import { dense, sequential } from "@neurite/layers";
import { binaryCrossEntropyWithLogits } from "@neurite/losses";
import { sgd } from "@neurite/optimizers";
import { fit, type Mode } from "@neurite/trainer";

const data = twoMoons({ n: 64, noise: 0.1, seed: 3 });
const curves = plot({ title: "training loss per epoch", xLabel: "epoch", yLabel: "loss", series: [], logY: true });

for (const mode of ["batch", "minibatch", "stochastic"] as const satisfies readonly Mode[]) {
  // The same initial weights for every run (same seeds), so only the kind of descent differs.
  const model = sequential([dense(2, 16, { activation: "tanh", seed: 1 }), dense(16, 1, { seed: 2 })]);
  const history = await fit(model, data, {
    loss: binaryCrossEntropyWithLogits,
    optimizer: sgd({ lr: 0.1 }),
    epochs: 20,
    mode,
    ...(mode === "minibatch" ? { batchSize: 16 } : {}),
    seed: 4,
    callbacks: [{ onEpochEnd: (epoch, logs) => { curves.append(mode, { x: epoch + 1, y: logs.loss! }); } }],
  });
  await print(`${mode}: ${history.steps} updates, final loss ${history.series.loss!.at(-1)!.toFixed(3)}`);
  model.dispose();
}
