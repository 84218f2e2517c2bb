// Tensors hold backend memory (GPU buffers on WebGPU), freed by dispose(), by a tidy scope, or by `using`.
import { print } from "@docs/output";
import { keep, memory, tensor, tidy, type Tensor } from "@neurite/tensor-core";

const x = tensor([1, 2, 3, 4]);
const live = (): number => memory().tensors;
await print("live tensors at the start:", live());

// Without a scope, every intermediate result stays alive until disposed.
const a = x.mul(2);
const b = a.add(1);
const c = b.relu();
await print("after three ops:", live());
for (const t of [a, b, c]) t.dispose();

// tidy frees everything created inside except what it returns (and what keep() marks).
let kept: Tensor | undefined;
const y = tidy(() => {
  const doubled = x.mul(2);
  kept = keep(doubled.sum());
  return doubled.add(1).relu();
});
await print("after tidy: y =", y, "and the kept sum =", kept, "— live:", live());

// tidy accepts async functions: the scope stays open until the promise settles.
const mean = await tidy(async () => {
  const m = x.square().mean();
  return (await m.data())[0]!;
});
await print("async tidy read", mean, "— live:", live());

y.dispose();
kept?.dispose();
await print("after disposing y and the sum:", live());
