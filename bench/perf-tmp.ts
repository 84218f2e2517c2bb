import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-wasm";
import { Heap } from "../packages/backend-cpu/src/wasm/heap.js";
import { WasmMatmul } from "../packages/backend-cpu/src/wasm/matmul.js";
import { Kernels } from "../packages/backend-cpu/src/wasm/runtime.js";
await tf.setBackend("wasm");
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };
const heap = new Heap(false);
const mm = new WasmMatmul(new Kernels(heap), heap);
const n = Number(process.argv[2] ?? 1024);
const a = heap.alloc(n * n * 4), b = heap.alloc(n * n * 4), c = heap.alloc(n * n * 4);
new Float32Array(heap.buffer, a, n * n).fill(0.5); new Float32Array(heap.buffer, b, n * n).fill(0.25);
const ta = tf.randomUniform([n, n]), tb = tf.randomUniform([n, n]);
const g = (t: number) => (2 * n ** 3 / (t / 1e3) / 1e9).toFixed(1);
for (let r = 0; r < 4; r++) {
  let t = cpuMs(); mm.product({ offset: a, rowStride: n * 4, colStride: 4 }, { offset: b, rowStride: n * 4, colStride: 4 }, c, n, n, n); const o1 = g(cpuMs() - t);
  t = cpuMs(); mm.product({ offset: a, rowStride: n * 4, colStride: 4 }, { offset: b, rowStride: 4, colStride: n * 4 }, c, n, n, n); const o2 = g(cpuMs() - t);
  t = cpuMs(); tf.matMul(ta, tb).dispose(); const t1 = g(cpuMs() - t);
  console.log(`ours AB ${o1} ABt ${o2} | tfjs-wasm AB ${t1}`);
}
