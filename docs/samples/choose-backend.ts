// Backends are values: pass one to setBackend. Here the same computation runs on the CPU backend explicitly,
// whatever the page picked for the other samples.
import { print } from "@docs/output";
import { cpu } from "@neurite/backend-cpu";
import { getBackend, setBackend, tensor } from "@neurite/tensor-core";

await print("this sample started on:", getBackend().name);
await setBackend(cpu());
const y = tensor([1, 2, 3]).mul(2);
await print("now on:", getBackend().name, "→", y);
// On the CPU, values can also be read synchronously; on WebGPU only `await y.data()` works.
await print("y.dataSync() =", Array.from(y.dataSync()));
