// Every activation of the course notes over [−10, 10], with its derivative as autograd computes it, checked
// against the closed-form derivative in the table above.
import { plot, points, print } from "@docs/output";
import { grad } from "@neurite/autograd";
import { activationTable } from "@neurite/layers";
import { leakyRelu, linspace, relu, sigmoid, softsign, step, tanh, type Tensor } from "@neurite/tensor-core";

const ops: Record<keyof typeof activationTable, (x: Tensor) => Tensor> = { sigmoid, step, softsign, tanh, relu, leakyRelu: (x) => leakyRelu(x) };
// 400 points that skip 0 itself, where step, ReLU and leaky ReLU have no derivative.
const x = linspace(-10, 10, 400);
const xs = Array.from(await x.data());

for (const [name, f] of Object.entries(ops) as [keyof typeof activationTable, (x: Tensor) => Tensor][]) {
  const y = Array.from(await f(x).data());
  // The derivative of each output with respect to its own input: the gradient of the sum.
  const dy = Array.from(await grad((t: Tensor) => f(t).sum())(x).data());
  const formula = activationTable[name].df;
  const worst = Math.max(...xs.map((v, i) => Math.abs(dy[i]! - formula(v))));
  plot({
    title: `${name}: f(x) = ${activationTable[name].formula}`,
    xLabel: "x",
    series: [
      { name: "f(x)", points: points(xs, y) },
      { name: `f′(x) = ${activationTable[name].derivative.replace(/ \((Neurite|the notes)[^)]*\)$/, "")}`, points: points(xs, dy) },
    ],
  });
  await print(`${name}: largest gap between autograd's f′ and the formula: ${worst.toExponential(1)}`);
}
