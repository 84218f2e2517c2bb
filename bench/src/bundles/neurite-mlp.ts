// The bundle a user ships to train an MLP on the CPU: tensor-core, backend-cpu, autograd, layers, losses and
// optimizers. `pnpm bench` bundles this file with esbuild (minified, then gzipped) to report its size.
import { valueAndGrad } from "@neurite/autograd";
import { cpu } from "@neurite/backend-cpu";
import { dense, sequential } from "@neurite/layers";
import { categoricalCrossEntropy } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { randomUniform, setBackend, tensor, type Variable } from "@neurite/tensor-core";

export async function trainMlp(steps: number): Promise<number> {
  await setBackend(cpu());
  const model = sequential([dense(784, 128, { activation: "relu" }), dense(128, 64, { activation: "relu" }), dense(64, 10)]);
  const optimizer = adam({ lr: 1e-3 });
  const x = randomUniform([64, 784]);
  const y = tensor(new Int32Array(64).map((_, i) => i % 10));
  const params = model.namedParameters();
  let last = 0;
  for (let s = 0; s < steps; s++) {
    const [loss, grads] = valueAndGrad((_p: Record<string, Variable>) => categoricalCrossEntropy(model.forward(x), y, { fromLogits: true }))(params);
    optimizer.step(params, grads);
    last = loss.dataSync()[0]!;
    loss.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }
  return last;
}
