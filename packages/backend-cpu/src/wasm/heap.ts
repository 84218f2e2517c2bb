import { BackendError } from "@neurite/tensor-core";

/**
 * The Wasm heap: one `WebAssembly.Memory` that every kernel module imports, with a size-class pool over it.
 * A freed block goes back to the free list of its class, so a training loop that makes the same tensors
 * every step reuses the same blocks and never grows the memory after its first step.
 *
 * Classes are four per power of two (sizes 1, 1.25, 1.5, 1.75 × 2ᵏ), which wastes at most a fifth of a
 * block, and every block is a multiple of 16 bytes: kernels read and write whole 16-byte vectors, so the
 * last vector of a tensor may run into its own block's padding, never into another block.
 */

const PAGE = 65536;
/** Bytes kept free at the top of memory, so a vector load that runs past the last block stays in bounds. */
const GUARD = 64;
/** The first bytes are scratch space kernels may use (partial matmul tiles). */
export const SCRATCH_BYTES = 1024;

export function sizeClass(bytes: number): number {
  if (bytes <= 64) return 64;
  // 2^(⌊log2(bytes − 1)⌋ − 2), by counting leading zeros (called on every allocation and release).
  const quarter = bytes <= 0xffffffff ? 2 ** (29 - Math.clz32(bytes - 1)) : 2 ** (Math.floor(Math.log2(bytes - 1)) - 2);
  return Math.ceil(bytes / quarter) * quarter;
}

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top = SCRATCH_BYTES;
  private readonly free = new Map<number, number[]>();
  /** Bytes of blocks handed out and not yet released (class sizes). */
  private used = 0;

  constructor(readonly shared: boolean) {
    this.memory = shared ? new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true }) : new WebAssembly.Memory({ initial: 16 });
  }

  /** A block of at least `bytes` bytes, 16-byte aligned. Its contents are whatever was there before. */
  alloc(bytes: number): number {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    this.used += size;
    if (list !== undefined && list.length > 0) return list.pop()!;
    const offset = this.top;
    const needed = offset + size + GUARD;
    const have = this.memory.buffer.byteLength;
    if (needed > have) {
      // Grow by at least half again, so a growing model reallocates the memory O(log n) times.
      const pages = Math.max(Math.ceil((needed - have) / PAGE), Math.ceil(have / PAGE / 2));
      try {
        this.memory.grow(pages);
      } catch (error) {
        this.used -= size;
        throw new BackendError({ op: "alloc" }, `backend 'cpu' could not grow its Wasm heap from ${have} to ${have + pages * PAGE} bytes for a ${bytes}-byte tensor (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    this.top = offset + size;
    return offset;
  }

  release(offset: number, bytes: number): void {
    const size = sizeClass(bytes);
    this.used -= size;
    let list = this.free.get(size);
    if (list === undefined) {
      list = [];
      this.free.set(size, list);
    }
    list.push(offset);
  }

  /** The memory's buffer now (a new object after every growth: views must be re-made from it). */
  get buffer(): ArrayBuffer | SharedArrayBuffer {
    return this.memory.buffer;
  }

  /** Bytes in blocks in use, bytes reserved by the memory. */
  stats(): { usedBytes: number; reservedBytes: number } {
    return { usedBytes: this.used, reservedBytes: this.memory.buffer.byteLength };
  }
}
