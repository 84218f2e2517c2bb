import { BackendError } from "@neurite/tensor-core";
import { BufferPool } from "./buffers.js";
import type { DeviceHealth } from "./device.js";
import type { CommandQueue } from "./encoder.js";
import { BufferUsage, MapMode } from "./gpu-constants.js";

/**
 * Asynchronous readback: the storage buffer is copied into a mappable staging buffer at the end of the
 * pending batch, the batch is submitted, and `mapAsync` resolves once the GPU has produced the values.
 * Staging buffers are pooled like storage buffers, so repeated reads (a loss per step) allocate nothing.
 */
export class Readback {
  private readonly staging: BufferPool;

  constructor(
    device: GPUDevice,
    private readonly queue: CommandQueue,
    private readonly health: DeviceHealth,
    maxBytes: number,
  ) {
    this.staging = new BufferPool(device, BufferUsage.MAP_READ | BufferUsage.COPY_DST, maxBytes, 64 * 1024 * 1024, (b) => {
      queue.retire(b);
    }, "neurite staging");
  }

  /** The first `bytes` bytes of `source`, once every command recorded before this call has run. */
  async read(source: GPUBuffer, bytes: number, op: string): Promise<ArrayBuffer> {
    const staging = this.staging.acquire(bytes);
    this.queue.copy(source, 0, staging, 0, bytes);
    this.queue.flush();
    try {
      await staging.mapAsync(MapMode.READ, 0, bytes);
    } catch (error) {
      await this.health.settle(200);
      if (this.health.lost) throw this.health.lostError(op);
      throw new BackendError({ op }, `reading the result back from the GPU failed: ${String(error)}${this.pendingError()}`);
    }
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.staging.release(staging);
    const error = this.health.takeError();
    if (error !== null) {
      throw new BackendError({ op }, `a GPU command before this read failed, so the values may be wrong: ${error}`);
    }
    return copy;
  }

  drain(): void {
    this.staging.drain();
  }

  private pendingError(): string {
    const error = this.health.takeError();
    return error === null ? "" : ` (the device reported: ${error})`;
  }
}
