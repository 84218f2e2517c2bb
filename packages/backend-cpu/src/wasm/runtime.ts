import { ModuleBuilder, SIMD, type FunctionBuilder } from "./emitter.js";
import type { Heap } from "./heap.js";

/**
 * Kernel modules, generated on first use and cached by a key that names what they compute. A compiled
 * `WebAssembly.Module` is shared by every backend in the process; each heap gets its own instance of it (an
 * instance is bound to the memory it imports). Modules are small (well under the 4 KB that browsers allow
 * to compile synchronously on the main thread), so kernels can be made the moment a shape first needs them.
 */

export type Exports = Record<string, (...args: number[]) => number | undefined>;

const modules = new Map<string, WebAssembly.Module>();

/** Whether this engine runs WebAssembly with 128-bit SIMD (every current browser, Node ≥ 16). */
export function simdAvailable(): boolean {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.validate !== "function") return false;
  try {
    const m = new ModuleBuilder();
    m.fn("probe", ["i32"], [], (f: FunctionBuilder) => {
      f.get(0).get(0).v128Load().simd(SIMD.f32x4_sqrt).v128Store();
    });
    return WebAssembly.validate(m.bytes());
  } catch {
    return false;
  }
}

export class Kernels {
  private readonly instances = new Map<string, Exports>();

  constructor(readonly heap: Heap) {}

  /** The exports of the module named `key`, built by `build` the first time any backend asks for it. */
  get(key: string, build: (m: ModuleBuilder) => void): Exports {
    const cached = this.instances.get(key);
    if (cached !== undefined) return cached;
    const instance = new WebAssembly.Instance(this.module(key, build), { env: { memory: this.heap.memory } });
    const exports = instance.exports as unknown as Exports;
    this.instances.set(key, exports);
    return exports;
  }

  /** The compiled module named `key` (what worker threads instantiate over the same shared memory). */
  module(key: string, build: (m: ModuleBuilder) => void): WebAssembly.Module {
    const moduleKey = `${this.heap.shared ? "shared" : "own"}:${key}`;
    let module = modules.get(moduleKey);
    if (module === undefined) {
      const builder = new ModuleBuilder(this.heap.shared);
      build(builder);
      module = new WebAssembly.Module(builder.bytes());
      modules.set(moduleKey, module);
    }
    return module;
  }
}
