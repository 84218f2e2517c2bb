import { BindGroupCache } from "./bind-groups.js";
import { workgroupGrid } from "./dispatch.js";
import { BufferUsage } from "./gpu-constants.js";
import type { Compiled } from "./pipelines.js";

/** Bytes of the uniform arena: every dispatch of one submission takes a 256-byte-aligned slot in it. */
const ARENA_BYTES = 64 * 1024;
/** Submit after this many dispatches even without a read, so the GPU starts while the CPU keeps encoding. */
const MAX_BATCH = 64;

/**
 * Records the kernels' dispatches and copies into one command encoder and submits them together: one
 * `queue.submit` per batch instead of per op. Kernels return at once; the work runs when the batch is
 * submitted (on a read, after MAX_BATCH dispatches, or at the end of the current task).
 *
 * Sizes and strides reach the shaders through uniforms. They are staged on the CPU into one arena and written
 * with a single `writeBuffer` just before the batch is submitted; queue operations run in order, so the write
 * never disturbs the batch before it. Order within a batch is the order of recording, which is what makes it
 * safe for the pool to hand a buffer freed by one op to the next op of the same batch. The uniform binding
 * takes its slot as a dynamic offset, so bind groups depend on the buffers alone and are cached.
 */
export class CommandQueue {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly stage = new Uint32Array(ARENA_BYTES / 4);
  private readonly arena: GPUBuffer;
  private cursor = 0;
  private dispatches = 0;
  private flushScheduled = false;
  private retired: GPUBuffer[] = [];
  private readonly slotAlign: number;
  readonly bindGroups: BindGroupCache;

  constructor(
    private readonly device: GPUDevice,
    private readonly maxWorkgroupsPerDimension: number,
  ) {
    this.arena = device.createBuffer({ size: ARENA_BYTES, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: "neurite uniforms" });
    this.slotAlign = device.limits.minUniformBufferOffsetAlignment;
    this.bindGroups = new BindGroupCache(device, this.arena);
  }

  /**
   * Records one dispatch of `workgroups` workgroups (laid out on a 2-D grid past the per-dimension limit).
   * `buffers` bind to 0…n-1 in order; the uniform words bind after them.
   */
  dispatch(compiled: Compiled, buffers: readonly GPUBuffer[], params: readonly number[], workgroups: number): void {
    if (workgroups === 0) return;
    const paramBytes = compiled.uniformBytes;
    if (params.length * 4 > paramBytes) throw new Error(`a kernel got ${params.length} uniform words for a block of ${paramBytes / 4}`);
    const slot = Math.ceil(paramBytes / this.slotAlign) * this.slotAlign;
    if (this.cursor + slot > ARENA_BYTES) this.flush();
    const offset = this.cursor;
    for (let i = 0; i < params.length; i++) this.stage[offset / 4 + i] = params[i]! >>> 0;
    this.cursor += slot;

    const bindGroup = this.bindGroups.get(compiled.layoutId, compiled.layout, buffers, paramBytes);
    const pass = this.computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup, [offset]);
    const [x, y] = workgroupGrid(workgroups, this.maxWorkgroupsPerDimension);
    pass.dispatchWorkgroups(x, y);
    this.recorded();
  }

  /** Records a buffer-to-buffer copy (offsets and size are multiples of 4). */
  copy(source: GPUBuffer, sourceOffset: number, destination: GPUBuffer, destinationOffset: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.ensureEncoder().copyBufferToBuffer(source, sourceOffset, destination, destinationOffset, bytes);
    this.recorded();
  }

  /** Destroys `buffer` once the commands recorded so far (which may use it) are submitted. */
  retire(buffer: GPUBuffer): void {
    this.retired.push(buffer);
    if (this.encoder === null) this.destroyRetired();
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (this.encoder !== null) {
      this.endPass();
      if (this.cursor > 0) this.device.queue.writeBuffer(this.arena, 0, this.stage.buffer, 0, this.cursor);
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
      this.cursor = 0;
      this.dispatches = 0;
    }
    this.destroyRetired();
  }

  /** Submits what is pending and destroys the arena. */
  destroy(): void {
    this.flush();
    this.arena.destroy();
  }

  private recorded(): void {
    if (++this.dispatches >= MAX_BATCH) {
      this.flush();
    } else if (!this.flushScheduled) {
      // Ops issued in one synchronous stretch share a submission; the GPU starts as soon as it ends.
      this.flushScheduled = true;
      queueMicrotask(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
  }

  private ensureEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    this.pass ??= this.ensureEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  private destroyRetired(): void {
    for (const buffer of this.retired) {
      this.bindGroups.forget(buffer);
      buffer.destroy();
    }
    this.retired = [];
  }
}
