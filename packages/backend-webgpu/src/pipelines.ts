import { ShaderStage } from "./gpu-constants.js";

/** WGSL source of one kernel variant, named by a key that identifies it among all variants. */
export interface KernelSource {
  /** Kernel, dtypes and shape class (rank, broadcast pattern…): equal keys always mean equal code. */
  readonly key: string;
  readonly code: () => string;
}

/** A pipeline, its bind group layout and the size of its uniform block. */
export interface Compiled {
  /** Small and unique per bind group layout (pipelines of one binding signature share it): part of the bind group cache's keys. */
  readonly layoutId: number;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** Bytes of the uniform block `p` the shader declares (the uniform binding's size). */
  readonly uniformBytes: number;
}

const BINDING = /@group\(0\) @binding\((\d+)\) var<(storage, read_write|storage, read|uniform)>/g;
const UNIFORM_BLOCK = /struct Params \{ w: array<vec4<u32>, (\d+)> \}/;

/**
 * The bind group layout a kernel's WGSL declares, read from its binding declarations (every kernel is
 * generated through kernels/wgsl.ts, which writes them in one form). The layout is explicit rather than
 * `"auto"` for one reason: the uniform binding takes a dynamic offset, so a bind group names only buffers and
 * can be reused by every dispatch over the same buffers, whatever slot of the uniform arena it reads.
 */
export function layoutEntries(code: string): { entries: GPUBindGroupLayoutEntry[]; uniformBytes: number } {
  const entries: GPUBindGroupLayoutEntry[] = [];
  for (const [, binding, kind] of code.matchAll(BINDING)) {
    const buffer: GPUBufferBindingLayout =
      kind === "uniform" ? { type: "uniform", hasDynamicOffset: true } : { type: kind === "storage, read" ? "read-only-storage" : "storage" };
    entries.push({ binding: Number(binding), visibility: ShaderStage.COMPUTE, buffer });
  }
  const block = UNIFORM_BLOCK.exec(code);
  if (block === null || entries.at(-1)?.buffer?.type !== "uniform") throw new Error("a kernel must end its bindings with the uniform block `p`");
  return { entries, uniformBytes: Number(block[1]) * 16 };
}

/**
 * Compiled pipelines by kernel key. Shapes and sizes are uniforms, so a key names a whole class of shapes
 * (`binary:add:f32:r3:ss`), and a training loop compiles each kernel once, on its first step. Kernels with
 * the same binding signature share one bind group layout.
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, Compiled>();
  private readonly layouts = new Map<string, { id: number; group: GPUBindGroupLayout; pipeline: GPUPipelineLayout }>();

  constructor(private readonly device: GPUDevice) {}

  get(source: KernelSource): Compiled {
    let compiled = this.pipelines.get(source.key);
    if (compiled === undefined) {
      const code = source.code();
      const { entries, uniformBytes } = layoutEntries(code);
      const signature = entries.map((e) => e.buffer!.type!).join(",");
      let layout = this.layouts.get(signature);
      if (layout === undefined) {
        const group = this.device.createBindGroupLayout({ entries, label: signature });
        layout = { id: this.layouts.size, group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group], label: signature }) };
        this.layouts.set(signature, layout);
      }
      const module = this.device.createShaderModule({ code, label: source.key });
      const pipeline = this.device.createComputePipeline({ layout: layout.pipeline, compute: { module, entryPoint: "main" }, label: source.key });
      compiled = { layoutId: layout.id, pipeline, layout: layout.group, uniformBytes };
      this.pipelines.set(source.key, compiled);
    }
    return compiled;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
