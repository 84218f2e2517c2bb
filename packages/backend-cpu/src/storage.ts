import { BackendError, allocate, bytesPerElement, type DataId, type DType, type TypedArray } from "@neurite/tensor-core";

/**
 * The CPU's `DataId`: a handle around one typed array. The op layer only ever sees it as an opaque object;
 * the handle (not the array) is what it holds, so disposing can drop the array and later misuse is caught.
 */
class CpuData {
  constructor(
    readonly owner: Storage,
    public values: TypedArray | null,
    readonly dtype: DType,
  ) {}
}

/**
 * The typed arrays one backend instance holds, and their counts. Each backend has its own, so two `cpu()`
 * instances never share or confuse storage, and a DataId from another backend is rejected, not misread.
 */
export class Storage {
  private buffers = 0;
  private bytes = 0;

  constructor(private readonly backendName: string) {}

  /**
   * Takes ownership of a freshly made array without copying. Kernels allocate their output and hand it
   * here, so no kernel pays for a second copy.
   */
  adopt(values: TypedArray, dtype: DType): DataId {
    this.buffers++;
    this.bytes += values.length * bytesPerElement(dtype);
    return new CpuData(this, values, dtype);
  }

  /** Copies caller-owned values: the caller may keep mutating its array afterwards. */
  upload(values: TypedArray, dtype: DType): DataId {
    const copy = allocate(dtype, values.length);
    copy.set(values);
    return this.adopt(copy, dtype);
  }

  /** The live array behind `data`, shared (kernels read it, never write it). */
  get(data: DataId, op = "read"): TypedArray {
    const values = this.check(data, op).values;
    if (values === null) {
      throw new BackendError({ op }, `backend '${this.backendName}' was given data that was already disposed`);
    }
    return values;
  }

  /** A copy the caller owns, so it can never corrupt the stored tensor. */
  copy(data: DataId, op = "read"): TypedArray {
    return this.get(data, op).slice();
  }

  dispose(data: DataId): void {
    const handle = this.check(data, "disposeData");
    const values = handle.values;
    if (values === null) {
      throw new BackendError({ op: "disposeData" }, `backend '${this.backendName}' was asked to dispose data twice`);
    }
    handle.values = null;
    this.buffers--;
    this.bytes -= values.length * bytesPerElement(handle.dtype);
  }

  memory(): { buffers: number; bytes: number } {
    return { buffers: this.buffers, bytes: this.bytes };
  }

  private check(data: DataId, op: string): CpuData {
    if (!(data instanceof CpuData) || data.owner !== this) {
      throw new BackendError({ op }, `backend '${this.backendName}' was given data it does not own (from another backend?)`);
    }
    return data;
  }
}
