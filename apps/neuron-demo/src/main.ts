// A neuron computes ŷ = g(w₀ + xᵀw): a weighted sum of its inputs plus a bias, passed through a non-linear
// activation g. This demo builds one on the course notes' small data set, then a layer of three.
import { cpu } from "@neurite/backend-cpu";
import { courseNotesTable, standardize } from "@neurite/data-loaders";
import { dense, sequential, summary } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { leakyRelu, linear, randomNormal, relu, setBackend, sigmoid, softsign, step, tanh, tensor, tidy, type Tensor } from "@neurite/tensor-core";
import { earlyStopping, fit, predict, progressBar } from "@neurite/trainer";

await setBackend(cpu());

// The course notes' table: study hours, sleep hours, quiz score → exam score.
const students = [
  [12, 6, 0.78],
  [22, 6.5, 0.24],
  [115, 4, 1.0],
  [31, 9, 0.67],
  [0, 10, 0.58],
  [5, 8, 0.78],
  [92, 6, 0.82],
  [57, 8, 0.91],
];

const activations: Record<string, (z: Tensor) => Tensor> = { sigmoid, step, softsign, tanh, relu, leakyRelu: (z) => leakyRelu(z) };

tidy(() => {
  // Scale the features to comparable ranges so no single input dominates the weighted sum.
  const x = tensor(students).div(tensor([100, 10, 1]));
  // Weights start small and random, close to 0 but not 0 (the course notes: drawn from N(0, σ²)).
  const w = randomNormal([3, 1], { std: 0.5, seed: 7 });
  const b = tensor([0.1]);

  console.log("Neurite — a neuron y = f(wᵀx + b) on the course notes' data\n");
  console.log(`weights w = ${w.reshape([3]).toString()}`);
  console.log(`bias    b = ${b.toString()}\n`);

  const z = linear(x, w, b).reshape([-1]);
  const rows = students.map((s, i) => ({ study: s[0], sleep: s[1], quiz: s[2], "z = wᵀx + b": round(z.arraySync(), i) }));
  for (const [name, f] of Object.entries(activations)) {
    const y = f(z).arraySync();
    rows.forEach((row, i) => Object.assign(row, { [name]: round(y, i) }));
  }
  console.table(rows);

  // Several neurons over the same inputs form a layer (a multi-output perceptron): W is [inputs, neurons].
  const layer = linear(x, randomNormal([3, 3], { std: 0.5, seed: 8 }), tensor([0, 0, 0]), "tanh");
  console.log("\nA layer of 3 tanh neurons, one row per student:");
  console.log(layer.toString());
});


// Training: a 3-8-1 network learns to predict the exam score from the three inputs, by mini-batch gradient
// descent with Adam, stopping early when the error stops improving and keeping the best weights.
const table = courseNotesTable();
const data = standardize(table).apply(table); // each feature to mean 0, variance 1
const model = sequential([dense(3, 8, { activation: "tanh", seed: 1 }), dense(8, 1, { seed: 2 })]);
console.log(`\nTraining ${summary(model, [3]).totalParameters} weights and biases on the course notes' 8 students (mini-batches of 4):`);
const history = await fit(model, data, {
  loss: mse,
  optimizer: adam({ lr: 0.02 }),
  epochs: 300,
  mode: "minibatch",
  batchSize: 4,
  seed: 1,
  callbacks: [earlyStopping({ monitor: "loss", patience: 30, minDelta: 1e-6, restoreBest: true }), progressBar({ every: 25 })],
});
console.log(`stopped after ${history.epochs.length} epochs (${history.stopReason})`);

const predicted = (await predict(model, data)).arraySync();
console.table(students.map((s, i) => ({ study: s[0], sleep: s[1], quiz: s[2], exam: Math.round(table.get(i).y[0]! * 1e4) / 1e4, predicted: round(predicted, i) })));

function round(values: unknown, i: number): number {
  const v = (values as (number | number[])[])[i]!;
  return Math.round((Array.isArray(v) ? v[0]! : v) * 1e4) / 1e4;
}
