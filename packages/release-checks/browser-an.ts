// A browser entry that trains an MLP on the CPU: the bundle whose min+gzip size the budget limits
// (tensor-core, backend-cpu, autograd, layers, losses, optimizers). It also runs in Node, which is how the
// test checks that the bundle works, not only that it is small.
import { valueAndGrad } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { dense, sequential } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { setBackend, tensor, tidy, type Variable } from "@neurite/tensor-core";

export async function trainXor(steps: number): Promise<number[]> {
  await setBackend(cpu());
  const x = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const y = tensor([[0], [1], [1], [0]]);
  const model = sequential([dense(2, 8, { activation: "tanh", seed: 3 }), dense(8, 1, { activation: "sigmoid", seed: 4 })]);
  const optimizer = adam({ lr: 0.05 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const loss = tidy(() => {
      const [value, grads] = valueAndGrad((_p: Record<string, Variable>) => mse(model.forward(x), y))(model.namedParameters());
      optimizer.step(model.namedParameters(), grads);
      return value;
    });
    losses.push((await loss.data())[0] ?? NaN);
    loss.dispose();
  }
  return losses;
}

const losses = await trainXor(300);
console.log(JSON.stringify({ firstLoss: losses[0], lastLoss: losses.at(-1) }));
