import { BASE_KERNELS, type Backend } from "@neurite/tensor-core";

/**
 * The kernel methods of the backend contract, the optional `elementwise` and `elementwiseMulti` included. Storage methods (upload,
 * read, readSync, disposeData, memory) are passed through and counted apart: they move data, they do not
 * compute.
 */
const KERNELS = [...BASE_KERNELS, "elementwise", "elementwiseMulti"] as const;

/** Methods whose first argument names the op (`unary("exp", …)` counts as `unary.exp`). */
const BY_OP = new Set<string>(["unary", "binary", "reduce", "argReduce"]);

/** What a counting backend has seen since it was made or last reset. */
export interface KernelCounts {
  /** Kernel calls in all (fused kernels and `elementwise` programs included, storage calls not). */
  readonly kernels: number;
  /** Calls per kernel: `matmul`, `unary.exp`, `binary.add`, `fused.softmax`, `elementwise`… */
  readonly byKernel: Readonly<Record<string, number>>;
  /** `fill` calls that made a tensor of one element: a scalar turned into a tensor. */
  readonly scalarFills: number;
  /** `read` and `readSync` calls: each one waits for the device. */
  readonly reads: number;
  readonly uploads: number;
}

/** A backend that counts the kernels it runs, and the counters. */
export interface CountingBackend {
  /** Behaves exactly as the wrapped backend (same name, capabilities and storage); pass it to `setBackend`. */
  readonly backend: Backend;
  counts(): KernelCounts;
  reset(): void;
}

/**
 * Wraps `inner` so that every kernel call is counted — a measuring instrument for fusion work: how many
 * kernels one training step launches, how many of them are scalar fills. The wrapper owns no storage: every
 * call goes to `inner`, so tensors made through it are `inner`'s data. Optional methods (`readSync`,
 * `elementwise`, `fused.*`) are present exactly when `inner` has them.
 *
 * ```ts
 * const counting = countingBackend(cpu());
 * await setBackend(counting.backend);
 * relu(tensor([-1, 2]));
 * counting.counts().kernels; // 1 on a backend with `elementwise`
 * ```
 */
export function countingBackend(inner: Backend): CountingBackend {
  let byKernel: Record<string, number> = {};
  let kernels = 0;
  let scalarFills = 0;
  let reads = 0;
  let uploads = 0;
  const bump = (key: string): void => {
    kernels++;
    byKernel[key] = (byKernel[key] ?? 0) + 1;
  };
  const wrapped: Record<string, unknown> = {
    name: inner.name,
    capabilities: inner.capabilities,
    upload: (values: never, dtype: never) => {
      uploads++;
      return inner.upload(values, dtype);
    },
    read: (data: never) => {
      reads++;
      return inner.read(data);
    },
    disposeData: (data: never) => { inner.disposeData(data); },
    memory: () => inner.memory(),
  };
  if (inner.readSync !== undefined) {
    const readSync = inner.readSync.bind(inner);
    wrapped.readSync = (data: never) => {
      reads++;
      return readSync(data);
    };
  }
  if (inner.dispose !== undefined) wrapped.dispose = inner.dispose.bind(inner);
  if (inner.ready !== undefined) wrapped.ready = inner.ready.bind(inner);
  const methods = inner as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>;
  for (const name of KERNELS) {
    const method = methods[name];
    if (method === undefined) continue;
    wrapped[name] = (...args: unknown[]) => {
      bump(BY_OP.has(name) ? `${name}.${String(args[0])}` : name);
      if (name === "fill") {
        const out = args[1] as { shape: readonly number[] };
        if (out.shape.every((d) => d === 1)) scalarFills++;
      }
      return method.apply(inner, args);
    };
  }
  if (inner.fused !== undefined) {
    const fused: Record<string, unknown> = {};
    for (const [name, kernel] of Object.entries(inner.fused as Record<string, ((...args: unknown[]) => unknown) | undefined>)) {
      if (kernel === undefined) continue;
      fused[name] = (...args: unknown[]) => {
        bump(`fused.${name}`);
        return kernel(...args);
      };
    }
    wrapped.fused = fused;
  }
  return {
    backend: wrapped as unknown as Backend,
    counts: () => ({ kernels, byKernel: { ...byKernel }, scalarFills, reads, uploads }),
    reset: () => {
      byKernel = {};
      kernels = 0;
      scalarFills = 0;
      reads = 0;
      uploads = 0;
    },
  };
}
