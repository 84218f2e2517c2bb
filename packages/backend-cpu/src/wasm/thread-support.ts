/**
 * Whether this engine can run the matmul on worker threads, answered without loading the thread pool: `cpu()`
 * decides synchronously, and the pool itself (threads.ts) is imported only when more than one thread is
 * asked for, so a one-thread bundle (every browser in this release) carries none of it.
 */

export interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
  on(event: "error", listener: (error: unknown) => void): void;
}

export type WorkerConstructor = new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;

/** Node's Worker class, or null outside Node (found without a static import, so bundles for browsers work). */
export function nodeWorker(): WorkerConstructor | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  const module = proc?.getBuiltinModule?.("node:worker_threads") as { Worker?: WorkerConstructor; isMainThread?: boolean } | undefined;
  return module?.Worker ?? null;
}

/** How many threads this engine can run the kernels on, and if only one, why. */
export function threadSupport(): { available: boolean; reason: string } {
  if (typeof SharedArrayBuffer === "undefined") return { available: false, reason: "SharedArrayBuffer is unavailable (a browser page needs cross-origin isolation: COOP/COEP headers)" };
  if (nodeWorker() === null) return { available: false, reason: "worker threads are started in Node only in this release" };
  return { available: true, reason: "Node worker_threads over a shared Wasm memory" };
}
