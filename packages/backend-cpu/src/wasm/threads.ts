import type { Heap } from "./heap.js";
import type { NodeWorker, WorkerConstructor } from "./thread-support.js";

/**
 * Worker threads for the matmul: each worker instantiates the same compiled kernel module over the same
 * shared Wasm memory, so a product is split by row blocks with no copying — the calling thread packs B once,
 * then it and every worker run `rows` on their own blocks (each with its own packed-A buffer and tile
 * scratch), and the calling thread waits for the workers with `Atomics.wait` before it returns. Kernels stay
 * synchronous, so `readSync` keeps working.
 *
 * Workers start in the background; until they report ready, products run on the calling thread alone, so
 * nothing ever waits for a worker to boot. This release starts workers in Node (`worker_threads`); elsewhere
 * (browsers, whose main thread may not block either) the backend runs on one thread.
 *
 * The control block (Int32 words in the heap): 0 generation (bumped per task, −1 to stop), 1 workers done,
 * 2 threads in this task, 3–13 the task's shared arguments, 16 + i worker i ready.
 *
 * This module imports nothing at run time: it is loaded lazily (see WasmMatmul), and a bundler then gives it
 * a chunk of its own instead of splitting the modules it would share with the rest of the backend.
 */

const GENERATION = 0;
const DONE = 1;
const THREADS = 2;
const ARGS = 3;
const READY = 16;
const CONTROL_WORDS = 64;
/** At most this many workers (plus the calling thread). */
export const MAX_WORKERS = CONTROL_WORDS - READY;

/** The worker's whole program: wait for a task, run its row blocks, count itself done. */
const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { memory, module, control, index, packA, tile } = workerData;
const rows = new WebAssembly.Instance(module, { env: { memory } }).exports.rows;
const ctl = new Int32Array(memory.buffer, control, ${CONTROL_WORDS});
// Read the generation before saying ready: a task posted after "ready" is then always seen as new.
let seen = Atomics.load(ctl, ${GENERATION});
Atomics.store(ctl, ${READY} + index, 1);
for (;;) {
  Atomics.wait(ctl, ${GENERATION}, seen);
  seen = Atomics.load(ctl, ${GENERATION});
  if (seen < 0) break;
  const threads = Atomics.load(ctl, ${THREADS});
  if (index + 1 >= threads) continue;
  rows(${Array.from({ length: 3 }, (_, i) => `Atomics.load(ctl, ${ARGS + i})`).join(", ")}, packA, ${Array.from({ length: 7 }, (_, i) => `Atomics.load(ctl, ${ARGS + 3 + i})`).join(", ")}, tile, index + 1, threads, Atomics.load(ctl, ${ARGS + 10}));
  if (Atomics.add(ctl, ${DONE}, 1) + 1 === threads - 1) Atomics.notify(ctl, ${DONE});
}
`;

/** A row-block split of one product: `rows(…)` arguments shared by all threads. */
export interface RowsTask {
  readonly a: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly packB: number;
  readonly c: number;
  readonly ldc: number;
  readonly m: number;
  readonly kc: number;
  readonly nc: number;
  readonly accumulate: number;
  /** Rows per block (see `blockHeight`). */
  readonly height: number;
}

export class ThreadPool {
  private readonly control: Int32Array;
  private readonly controlOffset: number;
  private readonly workers: NodeWorker[] = [];
  private failed: unknown = null;

  /**
   * Starts `count` workers over `heap` (a shared one), each given its own packed-A buffer and tile scratch.
   * `module` is the compiled matmul module (it exports `rows`); `Worker` is Node's Worker class; `lost` makes
   * the error `run` throws when a worker has failed.
   */
  constructor(
    private readonly heap: Heap,
    module: WebAssembly.Module,
    count: number,
    buffers: (index: number) => { packA: number; tile: number },
    Worker: WorkerConstructor,
    private readonly lost: (reason: string) => Error,
  ) {
    if (!heap.shared) throw new Error("ThreadPool needs a shared heap");
    this.controlOffset = heap.alloc(CONTROL_WORDS * 4);
    this.control = new Int32Array(heap.buffer, this.controlOffset, CONTROL_WORDS);
    this.control.fill(0);
    for (let index = 0; index < Math.min(count, MAX_WORKERS); index++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { memory: heap.memory, module, control: this.controlOffset, index, ...buffers(index) } });
      // A worker that fails to start never says ready, so it is never waited for; keep the reason.
      worker.on("error", (error) => {
        this.failed = error;
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /** Workers ready to take part: the ones from index 0 that have all said ready. */
  ready(): number {
    let n = 0;
    while (n < this.workers.length && Atomics.load(this.control, READY + n) === 1) n++;
    return n;
  }

  /**
   * Runs `task` on the calling thread and every ready worker (`local(first, stride)` is the calling thread's
   * share), and returns when all are done. With no worker ready, runs `local(0, 1)` alone.
   */
  run(task: RowsTask, local: (first: number, stride: number) => void): void {
    const workers = this.ready();
    if (workers === 0) {
      local(0, 1);
      return;
    }
    const threads = workers + 1;
    const ctl = this.control;
    const args = [task.a, task.rowStride, task.colStride, task.packB, task.c, task.ldc, task.m, task.kc, task.nc, task.accumulate, task.height];
    for (let i = 0; i < args.length; i++) Atomics.store(ctl, ARGS + i, args[i]!);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, THREADS, threads);
    Atomics.add(ctl, GENERATION, 1);
    Atomics.notify(ctl, GENERATION);
    local(0, threads);
    for (let done = Atomics.load(ctl, DONE); done !== workers; done = Atomics.load(ctl, DONE)) {
      if (this.failed !== null) throw this.lost(this.failed instanceof Error ? this.failed.message : "unknown error");
      Atomics.wait(ctl, DONE, done, 1000);
    }
  }

  /** Why a worker failed to start, if one did. */
  get error(): unknown {
    return this.failed;
  }

  get size(): number {
    return this.workers.length;
  }

  dispose(): void {
    Atomics.store(this.control, GENERATION, -1);
    Atomics.notify(this.control, GENERATION);
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
    this.heap.release(this.controlOffset, CONTROL_WORDS * 4);
  }
}
