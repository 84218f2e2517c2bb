import { BackendError, allocate, bytesPerElement, type DataId, type DType, type TypedArray } from "@neurite/tensor-core";
import type { Heap } from "./wasm/heap.js";

/**
 * The CPU's `DataId`: a handle around one tensor's values. The op layer only ever sees it as an opaque
 * object; the handle (not the array) is what it holds, so disposing can drop the values and later misuse is
 * caught. The values live either in a JavaScript typed array or in a block of the Wasm heap (`offset` ≥ 0),
 * and move to the heap the first time a Wasm kernel reads them.
 */
class CpuData {
  /** The JavaScript array, or the last view made of the heap block (re-made after the heap grows). */
  values: TypedArray | null;
  /** Byte offset of the heap block, or -1 while the values are a JavaScript array. */
  offset = -1;
  disposed = false;

  constructor(
    readonly owner: Storage,
    values: TypedArray | null,
    readonly dtype: DType,
    readonly length: number,
  ) {
    this.values = values;
  }
}

function viewOf(buffer: ArrayBufferLike, dtype: DType, offset: number, length: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, offset, length);
    case "float64":
      return new Float64Array(buffer, offset, length);
    case "int32":
      return new Int32Array(buffer, offset, length);
    case "bool":
      return new Uint8Array(buffer, offset, length);
  }
}

/**
 * The tensors one backend instance holds, and their counts. Each backend has its own, so two `cpu()`
 * instances never share or confuse storage, and a DataId from another backend is rejected, not misread.
 * `memory()` counts exact data sizes wherever the values live.
 */
export class Storage {
  private buffers = 0;
  private bytes = 0;

  constructor(
    private readonly backendName: string,
    private readonly heap: Heap | null = null,
  ) {}

  /**
   * Takes ownership of a freshly made array without copying. JavaScript kernels allocate their output and
   * hand it here, so no kernel pays for a second copy.
   */
  adopt(values: TypedArray, dtype: DType): DataId {
    this.count(values.length, dtype);
    return new CpuData(this, values, dtype, values.length);
  }

  /**
   * A new tensor of `length` elements in a heap block, for a Wasm kernel to write; `heapOffset` gives the
   * block. The block's contents are undefined until the kernel writes every element.
   */
  allocHeap(length: number, dtype: DType): DataId {
    const heap = this.requireHeap("allocHeap");
    const data = new CpuData(this, null, dtype, length);
    data.offset = heap.alloc(length * bytesPerElement(dtype));
    this.count(length, dtype);
    return data;
  }

  /**
   * Copies caller-owned values: the caller may keep mutating its array afterwards. On the Wasm path float32
   * values are copied straight into a heap block, where the Wasm kernels read them: a training batch would
   * otherwise be copied twice (into a fresh array, then into the heap at its first product) and leave a
   * large array per step for the garbage collector.
   */
  upload(values: TypedArray, dtype: DType): DataId {
    if (this.heap !== null && dtype === "float32") {
      const data = this.allocHeap(values.length, dtype);
      this.get(data, "upload").set(values);
      return data;
    }
    const copy = allocate(dtype, values.length);
    copy.set(values);
    return this.adopt(copy, dtype);
  }

  /**
   * The live values behind `data`, shared (kernels read them, never write them). For heap data this is a
   * view of the heap: valid until the next heap allocation (which may grow the memory and detach it).
   */
  get(data: DataId, op = "read"): TypedArray {
    const handle = this.live(data, op);
    if (handle.offset < 0) return handle.values!;
    const buffer = this.heap!.buffer;
    if (handle.values === null || handle.values.buffer !== buffer) handle.values = viewOf(buffer, handle.dtype, handle.offset, handle.length);
    return handle.values;
  }

  /** The heap byte offset of `data`'s values, moving them into the heap first if they are a JS array. */
  heapOffset(data: DataId, op: string): number {
    const handle = this.live(data, op);
    if (handle.offset >= 0) return handle.offset;
    const heap = this.requireHeap(op);
    const values = handle.values!;
    const offset = heap.alloc(values.length * bytesPerElement(handle.dtype));
    const view = viewOf(heap.buffer, handle.dtype, offset, values.length);
    view.set(values);
    handle.offset = offset;
    handle.values = view;
    return offset;
  }

  /** A copy the caller owns, so it can never corrupt the stored tensor. */
  copy(data: DataId, op = "read"): TypedArray {
    return this.get(data, op).slice();
  }

  dispose(data: DataId): void {
    const handle = this.check(data, "disposeData");
    if (handle.disposed) {
      throw new BackendError({ op: "disposeData" }, `backend '${this.backendName}' was asked to dispose data twice`);
    }
    handle.disposed = true;
    const bytes = handle.length * bytesPerElement(handle.dtype);
    if (handle.offset >= 0) this.heap!.release(handle.offset, bytes);
    handle.values = null;
    this.buffers--;
    this.bytes -= bytes;
  }

  memory(): { buffers: number; bytes: number } {
    return { buffers: this.buffers, bytes: this.bytes };
  }

  private count(length: number, dtype: DType): void {
    this.buffers++;
    this.bytes += length * bytesPerElement(dtype);
  }

  private requireHeap(op: string): Heap {
    if (this.heap === null) throw new BackendError({ op }, `backend '${this.backendName}' has no Wasm heap (it runs its JavaScript kernels)`);
    return this.heap;
  }

  private live(data: DataId, op: string): CpuData {
    const handle = this.check(data, op);
    if (handle.disposed) {
      throw new BackendError({ op }, `backend '${this.backendName}' was given data that was already disposed`);
    }
    return handle;
  }

  private check(data: DataId, op: string): CpuData {
    if (!(data instanceof CpuData) || data.owner !== this) {
      throw new BackendError({ op }, `backend '${this.backendName}' was given data it does not own (from another backend?)`);
    }
    return data;
  }
}
