// A user's TypeScript file, type-checked against the installed tarballs under a default strict tsconfig
// (no esnext.disposable lib, no skipLibCheck, no @types/node). It touches every package's entry points.
import { grad, valueAndGrad } from "@neurite/autograd";
import { runConformance, type ConformanceReport } from "@neurite/backend-conformance";
import { cpu } from "@neurite/backend-cpu";
import { webgpu, type WebGpuOptions } from "@neurite/backend-webgpu";
import { courseNotesTable, DataLoader, fromArrays, standardize } from "@neurite/data-loaders";
import { dense, relu, sequential, summary } from "@neurite/layers";
import { mse } from "@neurite/losses";
import { adam, sgd } from "@neurite/optimizers";
import { memory, noGrad, setBackend, tensor, tidy, type Tensor, type Variable } from "@neurite/tensor-core";
import { earlyStopping, fit, memoryStorage, saveTraining, type History } from "@neurite/trainer";

export async function main(): Promise<History> {
  await setBackend(cpu());

  // (x + y)z at (−2, 5, −4): ∂/∂x = ∂/∂y = z = −4, ∂/∂z = x + y = 3.
  const [dx, dy, dz] = grad((x: Tensor, y: Tensor, z: Tensor) => x.add(y).mul(z), [0, 1, 2])(tensor(-2), tensor(5), tensor(-4));
  const partials: number[] = [dx.dataSync()[0] ?? NaN, dy.dataSync()[0] ?? NaN, dz.dataSync()[0] ?? NaN];
  console.log(partials);

  const model = sequential([dense(3, 8, { activation: "tanh", seed: 1 }), relu(), dense(8, 1, { seed: 2 })]);
  console.log(summary(model, [3]).text);
  const x = tensor([[0.1, 0.2, 0.3]]);
  const y = noGrad(() => model.forward(x));
  const [loss, grads] = valueAndGrad((_p: Record<string, Variable>) => mse(model.forward(x), y))(model.namedParameters());
  sgd({ lr: 0.1 }).step(model.namedParameters(), grads);
  loss.dispose();

  // Tensors are Disposable, and `using` type-checks without the user adding the esnext.disposable lib.
  {
    using scratch = tensor([1, 2, 3]);
    console.log(scratch.size);
  }
  tidy(() => tensor([4]).mul(2));

  const table = courseNotesTable();
  const data = standardize(table).apply(table);
  const loader = new DataLoader(fromArrays([[1, 2, 3]], [[1]]), { batchSize: 1 });
  for await (const batch of loader) batch.dispose();

  const storage = memoryStorage();
  const history = await fit(model, data, {
    loss: mse,
    optimizer: adam({ lr: 0.01 }),
    epochs: 2,
    callbacks: [earlyStopping({ patience: 1 })],
  });
  const bytes: Uint8Array = await saveTraining(model, null, { epoch: history.epochs.length });
  console.log(bytes.byteLength, storage, memory().tensors);
  return history;
}

// Types a backend author and a WebGPU user reach for.
export type Options = WebGpuOptions;
export const makeGpu: typeof webgpu = webgpu;
export async function conform(): Promise<ConformanceReport> {
  return runConformance(cpu());
}
