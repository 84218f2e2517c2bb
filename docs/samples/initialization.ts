// Why not zeros: with every weight equal, every hidden neuron computes the same thing and gets the same
// gradient, so they stay equal forever. Small random weights break the symmetry.
import { print } from "@docs/output";
import { xor } from "@neurite/data-loaders";
import { dense, init, sequential, type Initializer } from "@neurite/layers";
import { binaryCrossEntropyWithLogits } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { randomNormal, type Tensor } from "@neurite/tensor-core";
import { fit } from "@neurite/trainer";

for (const [name, weights] of [["zeros", init.zeros()], ["normal(0.5)", init.normal(0.5)]] as const) {
  const hidden = dense(2, 4, { activation: "tanh", init: weights, seed: 1 });
  const model = sequential([hidden, dense(4, 1, { init: weights, seed: 2 })]);
  const history = await fit(model, xor(), { loss: binaryCrossEntropyWithLogits, optimizer: adam({ lr: 0.05 }), epochs: 300, mode: "batch" });
  const w = await hidden.weight.value.array() as number[][];
  const distinct = new Set(w[0]!.map((v) => v.toFixed(6))).size;
  await print(`${name}: XOR loss after 300 epochs ${history.series.loss!.at(-1)!.toFixed(3)}; distinct hidden weights in row 1: ${distinct} of 4`);
}

// How the scale of the initial weights carries through depth: the spread of the activations after 10 layers
// of 64 tanh or ReLU neurons, for each initializer.
async function spreadAfter(layers: number, initializer: Initializer, activation: (x: Tensor) => Tensor): Promise<number> {
  let x = randomNormal([256, 64], { seed: 5 });
  for (let i = 0; i < layers; i++) {
    const w = initializer([64, 64], { fanIn: 64, fanOut: 64, dtype: "float32", seed: 10 + i });
    x = activation(x.matmul(w));
  }
  const values = Array.from(await x.data());
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}
for (const [name, initializer] of [["normal(0.01)", init.normal(0.01)], ["normal(1)", init.normal(1)], ["glorotUniform", init.glorotUniform()], ["heNormal", init.heNormal()]] as const) {
  const tanhSpread = await spreadAfter(10, initializer, (x) => x.tanh());
  const reluSpread = await spreadAfter(10, initializer, (x) => x.relu());
  await print(`${name.padEnd(14)} std after 10 layers: tanh ${tanhSpread.toExponential(2)}, relu ${reluSpread.toExponential(2)}`);
}
