import { BackendError, type DataId, type DType } from "@neurite/tensor-core";

/**
 * The webgpu backend's `DataId`: one GPU buffer holding `size` elements of `dtype`, 4 bytes each (bool is
 * stored as u32 0/1, because WGSL storage buffers have no 8-bit type). The buffer is usually larger than
 * `size · 4` bytes: it comes from a size class of the pool. Disposing sets `buffer` to null, so later
 * misuse is caught here instead of reading a buffer that now belongs to another tensor.
 */
export class GpuData {
  constructor(
    readonly owner: object,
    public buffer: GPUBuffer | null,
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

/** Bytes of one stored element: every dtype the backend declares takes one 32-bit word. */
export const ELEMENT_BYTES = 4;

const ids = new WeakMap<GPUBuffer, number>();
let nextId = 0;

/** A small number naming `buffer` for as long as it lives (in cache keys, and to order the pool's free lists). */
export function bufferId(buffer: GPUBuffer): number {
  let id = ids.get(buffer);
  if (id === undefined) ids.set(buffer, (id = nextId++));
  return id;
}

/** The smallest buffer: zero-size tensors still get a bindable buffer, so no kernel special-cases them. */
const MIN_BYTES = 16;

/**
 * Rounds a request up to its size class: powers of two up to 4 KiB, then steps of a quarter of the power of
 * two below (at most 25% unused), so buffers of nearby sizes are interchangeable and a training loop, whose
 * shapes repeat every step, allocates nothing after its first step.
 */
export function sizeClass(bytes: number, maxBytes: number): number {
  const b = Math.max(MIN_BYTES, Math.ceil(bytes / 4) * 4);
  let cls: number;
  if (b <= 4096) {
    cls = 2 ** Math.ceil(Math.log2(b));
  } else {
    const step = 2 ** (Math.floor(Math.log2(b)) - 2);
    cls = Math.ceil(b / step) * step;
  }
  return cls <= maxBytes ? cls : b;
}

/**
 * A pool of GPU buffers of one usage, by size class. Creating a GPU buffer costs a driver call and zeroing;
 * a released buffer is kept for the next request of its class instead. Buffers above `maxIdleBytes` of idle
 * storage are retired (destroyed once the commands that may still use them are submitted).
 *
 * A request gets the idle buffer of its class that was created first. The choice then depends only on which
 * buffers are idle, not on the order they came back in, so a loop whose steps repeat settles at once into
 * handing the same buffers to the same kernels every step — which is what lets bind groups be cached.
 */
export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private idleBytes = 0;
  private idleCount = 0;
  private closed = false;

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly maxBytes: number,
    private readonly maxIdleBytes: number,
    private readonly retire: (buffer: GPUBuffer) => void,
    private readonly label: string,
  ) {}

  /**
   * Memory pressure: when set, a new buffer that would take live + idle bytes past `bytes` first makes the
   * pool give back idle buffers (the live ones are tensors still in use).
   */
  budget: { readonly bytes: number; readonly live: () => number } | null = null;

  acquire(bytes: number): GPUBuffer {
    const cls = sizeClass(bytes, this.maxBytes);
    const reused = this.idle.get(cls)?.pop();
    if (reused !== undefined) {
      this.idleBytes -= cls;
      this.idleCount--;
      return reused;
    }
    if (this.budget !== null) {
      const over = this.budget.live() + this.idleBytes + cls - this.budget.bytes;
      if (over > 0) this.trim(Math.max(0, this.idleBytes - over));
    }
    return this.device.createBuffer({ size: cls, usage: this.usage, label: this.label });
  }

  /**
   * Gives idle buffers back (largest first) until at most `keepBytes` idle bytes remain; returns the bytes
   * given back. Called under memory pressure, on an out-of-memory error, and by `backend.trim()`.
   */
  trim(keepBytes = 0): number {
    let freed = 0;
    for (const cls of [...this.idle.keys()].sort((a, b) => b - a)) {
      const list = this.idle.get(cls)!;
      while (list.length > 0 && this.idleBytes > keepBytes) {
        this.retire(list.pop()!);
        this.idleBytes -= cls;
        this.idleCount--;
        freed += cls;
      }
      if (list.length === 0) this.idle.delete(cls);
      if (this.idleBytes <= keepBytes) break;
    }
    return freed;
  }

  release(buffer: GPUBuffer): void {
    if (this.closed || this.idleBytes + buffer.size > this.maxIdleBytes) {
      this.retire(buffer);
      return;
    }
    let list = this.idle.get(buffer.size);
    if (list === undefined) this.idle.set(buffer.size, (list = []));
    // Kept in descending id order, so `pop()` takes the oldest buffer.
    const id = bufferId(buffer);
    let at = list.length;
    while (at > 0 && bufferId(list[at - 1]!) < id) at--;
    list.splice(at, 0, buffer);
    this.idleBytes += buffer.size;
    this.idleCount++;
  }

  stats(): { buffers: number; bytes: number } {
    return { buffers: this.idleCount, bytes: this.idleBytes };
  }

  /** Hands every idle buffer to `retire`, and every buffer released later (the pool's owner is gone). */
  drain(): void {
    this.closed = true;
    for (const list of this.idle.values()) for (const buffer of list) this.retire(buffer);
    this.idle.clear();
    this.idleBytes = 0;
    this.idleCount = 0;
  }
}

/** What `memory()` reports: live tensor buffers, plus the idle ones the pool keeps for reuse. */
export interface WebGpuMemory {
  /** GPU buffers holding live tensor data. */
  readonly buffers: number;
  /** Bytes of those buffers (their allocated size, which rounds the data size up to a size class). */
  readonly bytes: number;
  /** Idle buffers kept by the pool for reuse; released by `dispose()`. */
  readonly pooledBuffers: number;
  readonly pooledBytes: number;
}

/**
 * Tensor storage of one backend: GpuData handles over pooled buffers, with live counts.
 *
 * With a `limit` (a `memoryBudget` the user set), a tensor that would take live storage past it is refused
 * with a BackendError before anything is allocated. Live means not yet disposed: in a synchronous loop, a
 * tensor nobody holds stays live until the collector's finalizers run, which happens only once the event
 * loop turns. Refusing names that at the call that crossed the line; the device's own out-of-memory error
 * would surface later, at a read, with values already wrong.
 */
export class Storage {
  private liveBuffers = 0;
  private liveBytes = 0;

  constructor(
    private readonly pool: BufferPool,
    private readonly maxBindingBytes: number,
    private readonly limit: number | null = null,
  ) {}

  /** A fresh handle for `size` elements; a size beyond what one binding can address is a clear error. */
  create(op: string, size: number, dtype: DType): GpuData {
    const bytes = size * ELEMENT_BYTES;
    if (bytes > this.maxBindingBytes) {
      throw new BackendError(
        { op },
        `a ${dtype} tensor of ${size} elements needs ${bytes} bytes, more than this device's maxStorageBufferBindingSize ` +
          `of ${this.maxBindingBytes} bytes; split the work into smaller tensors`,
      );
    }
    if (this.limit !== null && this.liveBytes + sizeClass(bytes, this.maxBindingBytes) > this.limit) {
      this.pool.trim();
      throw new BackendError(
        { op },
        `a ${dtype} tensor of ${size} elements would take the live tensors' GPU memory past memoryBudget (${this.liveBytes} of ${this.limit} bytes ` +
          "are held by tensors not yet disposed). In a synchronous loop, tensors nobody holds are freed only when the event loop turns: " +
          "wrap the step in tidy(), dispose what you no longer need, or await between steps; or raise memoryBudget",
      );
    }
    const buffer = this.pool.acquire(bytes);
    this.liveBuffers++;
    this.liveBytes += buffer.size;
    return new GpuData(this, buffer, size, dtype);
  }

  /** The live handle behind `data`; a disposed or foreign DataId is a BackendError. */
  get(data: DataId, op: string): GpuData & { buffer: GPUBuffer } {
    if (!(data instanceof GpuData) || data.owner !== this) {
      throw new BackendError({ op }, "backend 'webgpu' was given data it does not own (from another backend?)");
    }
    if (data.buffer === null) {
      throw new BackendError({ op }, "backend 'webgpu' was given data that was already disposed");
    }
    return data as GpuData & { buffer: GPUBuffer };
  }

  /** Bytes of the buffers holding live tensors. */
  get bytes(): number {
    return this.liveBytes;
  }

  dispose(data: DataId): void {
    const handle = this.get(data, "disposeData");
    this.liveBuffers--;
    this.liveBytes -= handle.buffer.size;
    this.pool.release(handle.buffer);
    (handle as GpuData).buffer = null;
  }

  memory(): WebGpuMemory {
    const pooled = this.pool.stats();
    return { buffers: this.liveBuffers, bytes: this.liveBytes, pooledBuffers: pooled.buffers, pooledBytes: pooled.bytes };
  }
}
