import { cpu, type CpuOptions } from "@neurite/backend-cpu";
import * as nt from "@neurite/tensor-core";

/**
 * The kernel workloads — matmul in its three layouts and the hot elementwise ops — for each in-process library.
 * A `KernelRunner` runs the work once to completion (jax-js is lazy, so its runner waits for the result) and
 * frees what it made, so repeats measure the same thing.
 */

export type Layout = "A·B" | "A·Bᵀ" | "Aᵀ·B";
export type ElementwiseOp = "relu" | "sigmoid" | "add";
/** A sum over the last axis (softmax's, cross-entropy's) or over the first (a bias gradient over the batch). */
export type ReduceAxis = "last" | "first";

export interface KernelLibrary {
  readonly name: string;
  matmul(n: number, layout: Layout): Promise<() => Promise<void>>;
  elementwise(size: number, op: ElementwiseOp): Promise<() => Promise<void>>;
  /** sum of a [rows, cols] matrix over one axis. */
  sum(rows: number, cols: number, axis: ReduceAxis): Promise<() => Promise<void>>;
}

function randomValues(size: number, seed: number): Float32Array {
  // A small LCG: the same inputs for every library, no dependence on any library's generator.
  const values = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
  return values;
}

export function neurite(name: string, options: CpuOptions): KernelLibrary {
  const backend = cpu(options);
  // Worker threads start in the background and keep nothing alive; the benchmark lets them start.
  const started = (async () => {
    const wanted = typeof options.threads === "number" ? options.threads : 1;
    for (let i = 0; i < 200 && backend.threads < wanted; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  })();
  const use = async () => {
    await started;
    await nt.setBackend(backend);
  };
  return {
    name,
    async matmul(n, layout) {
      await use();
      const a = nt.tensor(randomValues(n * n, 1), { shape: [n, n] });
      const b = nt.tensor(randomValues(n * n, 2), { shape: [n, n] });
      const options = { transposeA: layout === "Aᵀ·B", transposeB: layout === "A·Bᵀ" };
      return async () => {
        await use();
        nt.matmul(a, b, options).dispose();
      };
    },
    async elementwise(size, op) {
      await use();
      const a = nt.tensor(randomValues(size, 3));
      const b = nt.tensor(randomValues(size, 4));
      return async () => {
        await use();
        (op === "relu" ? nt.relu(a) : op === "sigmoid" ? nt.sigmoid(a) : nt.add(a, b)).dispose();
      };
    },
    async sum(rows, cols, axis) {
      await use();
      const a = nt.tensor(randomValues(rows * cols, 5), { shape: [rows, cols] });
      return async () => {
        await use();
        nt.sum(a, axis === "last" ? 1 : 0).dispose();
      };
    },
  };
}

export async function tfjs(backendName: "wasm" | "cpu"): Promise<KernelLibrary> {
  const tf = await import("@tensorflow/tfjs-core");
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-backend-wasm");
  const use = async () => {
    if (tf.getBackend() !== backendName) await tf.setBackend(backendName);
    await tf.ready();
  };
  return {
    name: `tfjs-${backendName}`,
    async matmul(n, layout) {
      await use();
      const a = tf.tensor(randomValues(n * n, 1), [n, n]);
      const b = tf.tensor(randomValues(n * n, 2), [n, n]);
      return async () => {
        await use();
        tf.matMul(a, b, layout === "Aᵀ·B", layout === "A·Bᵀ").dispose();
      };
    },
    async elementwise(size, op) {
      await use();
      const a = tf.tensor(randomValues(size, 3));
      const b = tf.tensor(randomValues(size, 4));
      return async () => {
        await use();
        (op === "relu" ? tf.relu(a) : op === "sigmoid" ? tf.sigmoid(a) : tf.add(a, b)).dispose();
      };
    },
    async sum(rows, cols, axis) {
      await use();
      const a = tf.tensor(randomValues(rows * cols, 5), [rows, cols]);
      return async () => {
        await use();
        tf.sum(a, axis === "last" ? 1 : 0).dispose();
      };
    },
  };
}

export async function jaxWasm(): Promise<KernelLibrary> {
  const jax = await import("@jax-js/jax");
  await jax.init("wasm");
  jax.defaultDevice("wasm");
  const np = jax.numpy;
  const run = async (result: InstanceType<typeof jax.Array>) => {
    await result.blockUntilReady();
    result.dispose();
  };
  return {
    name: "jax-js-wasm",
    async matmul(n, layout) {
      const a = np.array(randomValues(n * n, 1)).reshape([n, n]);
      const b = np.array(randomValues(n * n, 2)).reshape([n, n]);
      await Promise.all([a.ref.blockUntilReady(), b.ref.blockUntilReady()]);
      return () => run(np.matmul(layout === "Aᵀ·B" ? a.ref.transpose() : a.ref, layout === "A·Bᵀ" ? b.ref.transpose() : b.ref));
    },
    async elementwise(size, op) {
      const a = np.array(randomValues(size, 3));
      const b = np.array(randomValues(size, 4));
      await Promise.all([a.ref.blockUntilReady(), b.ref.blockUntilReady()]);
      return () => run(op === "relu" ? jax.nn.relu(a.ref) : op === "sigmoid" ? jax.nn.sigmoid(a.ref) : np.add(a.ref, b.ref));
    },
    async sum(rows, cols, axis) {
      const a = np.array(randomValues(rows * cols, 5)).reshape([rows, cols]);
      await a.ref.blockUntilReady();
      return () => run(np.sum(a.ref, axis === "last" ? 1 : 0));
    },
  };
}
