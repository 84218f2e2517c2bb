import { bufferId } from "./buffers.js";

/** Bind groups kept at most; past it the cache starts over (a training loop's working set is far smaller). */
const MAX_BIND_GROUPS = 4096;

/**
 * Bind groups by layout and buffers. A dispatch binds its buffers and the uniform arena (the arena slot is a
 * dynamic offset, so it is not part of the group), and the pool hands the same buffers to the same kernels
 * step after step: a training loop creates its bind groups on its first steps and none after. That saves a
 * driver call per dispatch, and it keeps memory flat in a synchronous loop, where the native side of a
 * dropped bind group waits for the collector's finalizers, which only run once the event loop turns.
 *
 * Entries are dropped when one of their buffers is destroyed (the group would be invalid).
 */
export class BindGroupCache {
  private readonly groups = new Map<string, GPUBindGroup>();
  /** The cache keys each buffer appears in, to drop them when the buffer is destroyed. */
  private readonly keysOf = new Map<GPUBuffer, string[]>();

  constructor(
    private readonly device: GPUDevice,
    private readonly uniforms: GPUBuffer,
  ) {}

  /** The bind group of `buffers` (bindings 0…n-1) and the uniform arena (binding n, `uniformBytes` wide). */
  get(layoutId: number, layout: GPUBindGroupLayout, buffers: readonly GPUBuffer[], uniformBytes: number): GPUBindGroup {
    let key = `${layoutId}:${uniformBytes}`;
    for (const buffer of buffers) key += `:${bufferId(buffer)}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      if (this.groups.size >= MAX_BIND_GROUPS) {
        this.groups.clear();
        this.keysOf.clear();
      }
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
      entries.push({ binding: buffers.length, resource: { buffer: this.uniforms, offset: 0, size: uniformBytes } });
      group = this.device.createBindGroup({ layout, entries });
      this.groups.set(key, group);
      for (const buffer of new Set(buffers)) {
        let keys = this.keysOf.get(buffer);
        if (keys === undefined) this.keysOf.set(buffer, (keys = []));
        keys.push(key);
      }
    }
    return group;
  }

  /** Forgets every bind group that binds `buffer` (called before the buffer is destroyed). */
  forget(buffer: GPUBuffer): void {
    const keys = this.keysOf.get(buffer);
    if (keys === undefined) return;
    for (const key of keys) this.groups.delete(key);
    this.keysOf.delete(buffer);
  }

  get size(): number {
    return this.groups.size;
  }
}
