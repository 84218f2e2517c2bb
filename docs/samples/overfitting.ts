// A network far larger than its data: 30 noisy points of two moons, 2 → 64 → 64 → 1. Unregularized, the
// training loss keeps falling while the validation loss turns up; an L2 penalty or dropout narrows the gap.
import { plot, print } from "@docs/output";
import { twoMoons } from "@neurite/data-loaders";
import { dense, dropout, sequential, type Module } from "@neurite/layers";
import { binaryCrossEntropyWithLogits, l1, l2, lp, type Regularizer } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { fit } from "@neurite/trainer";

const train = twoMoons({ n: 30, noise: 0.3, seed: 1 });
const validation = twoMoons({ n: 100, noise: 0.3, seed: 2 });

const network = (withDropout: boolean): Module =>
  sequential([
    dense(2, 64, { activation: "relu", seed: 1 }),
    ...(withDropout ? [dropout(0.5)] : []),
    dense(64, 64, { activation: "relu", seed: 2 }),
    ...(withDropout ? [dropout(0.5)] : []),
    dense(64, 1, { seed: 3 }),
  ]);

const runs: [string, boolean, Regularizer | undefined][] = [
  ["none", false, undefined],
  ["L2 (λ = 0.01)", false, l2(0.01)],
  ["L1 (λ = 0.001)", false, l1(0.001)],
  ["Lp, p = q = 1.5", false, lp(1.5, 1.5, 0.003)],
  ["dropout 0.5", true, undefined],
];

for (const [name, withDropout, regularizer] of runs) {
  const curves = plot({ title: `regularization: ${name}`, xLabel: "epoch", yLabel: "cross-entropy", series: [], yDomain: [0, 1.2] });
  const history = await fit(network(withDropout), train, {
    loss: binaryCrossEntropyWithLogits,
    optimizer: adam({ lr: 0.01 }),
    epochs: 100,
    mode: "batch",
    seed: 7,
    validation,
    ...(regularizer === undefined ? {} : { regularizer }),
    callbacks: [{ onEpochEnd: (epoch, logs) => { curves.append("train", { x: epoch + 1, y: logs.loss! }); curves.append("validation", { x: epoch + 1, y: logs.val_loss! }); } }],
  });
  const val = history.series.val_loss!;
  await print(`${name}: train ${history.series.loss!.at(-1)!.toFixed(3)}, validation ${val.at(-1)!.toFixed(3)} (best ${Math.min(...val).toFixed(3)})`);
}
