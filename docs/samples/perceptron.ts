// The perceptron learning rule on logical AND: a step neuron, updated only when it is wrong.
import { print } from "@docs/output";
import { step, tensor } from "@neurite/tensor-core";

const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const targets = [0, 0, 0, 1];
let w = [0, 0];
let b = 0;
for (let epoch = 1; epoch <= 10; epoch++) {
  let mistakes = 0;
  for (const [i, x] of inputs.entries()) {
    const z = tensor([x[0]! * w[0]! + x[1]! * w[1]! + b]);
    const y = (await step(z).data())[0]!;
    const error = targets[i]! - y; // +1, 0 or −1
    if (error !== 0) {
      mistakes++;
      w = [w[0]! + 0.1 * error * x[0]!, w[1]! + 0.1 * error * x[1]!];
      b += 0.1 * error;
    }
  }
  await print(`epoch ${epoch}: ${mistakes} mistakes, w = [${w.map((v) => v.toFixed(1)).join(", ")}], b = ${b.toFixed(1)}`);
  if (mistakes === 0) break;
}
