// A feed-forward network on the course notes' table: study hours, sleep hours, quiz → exam score.
import { print, table } from "@docs/output";
import { courseNotesTable, standardize } from "@neurite/data-loaders";
import { dense, sequential, summary } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { fit, predict } from "@neurite/trainer";

// The notes' example network: 8 input features → 4 outputs, 270 weights and biases in all.
const example = sequential([
  dense(8, 10, { activation: "relu" }),
  dense(10, 6, { activation: "relu" }),
  dense(6, 10, { activation: "relu" }),
  dense(10, 4),
]);
await print(summary(example, [8]).text);

// The notes' table has 3 features and 1 target: a 3 → 8 → 1 network, trained by mini-batch descent.
const students = courseNotesTable();
const scaled = standardize(students).apply(students); // each feature to mean 0 and variance 1
const model = sequential([dense(3, 8, { activation: "tanh", seed: 1 }), dense(8, 1, { seed: 2 })]);
const history = await fit(model, scaled, { loss: mse, optimizer: adam({ lr: 0.02 }), epochs: 400, mode: "minibatch", batchSize: 4, seed: 1 });
await print(`trained ${summary(model, [3]).totalParameters} parameters; MSE ${history.series.loss![0]!.toFixed(4)} → ${history.series.loss!.at(-1)!.toFixed(4)}`);

const predicted = await (await predict(model, scaled)).data();
table(
  Array.from({ length: students.length }, (_, i) => {
    const { x, y } = students.get(i);
    return { study: x[0]!, sleep: x[1]!, quiz: `${Math.round(x[2]! * 100)}%`, exam: `${Math.round(y[0]! * 100)}%`, predicted: `${(predicted[i]! * 100).toFixed(1)}%` };
  }),
);
