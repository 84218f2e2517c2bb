/** WGSL source of one kernel variant, named by a key that identifies it among all variants. */
export interface KernelSource {
  /** Kernel, dtypes and shape class (rank, broadcast pattern…): equal keys always mean equal code. */
  readonly key: string;
  readonly code: () => string;
}

/** A pipeline and its bind group layout (fetched once: each `getBindGroupLayout` call makes a new object). */
export interface Compiled {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
}

/**
 * Compiled pipelines by kernel key. Shapes and sizes are uniforms, so a key names a whole class of shapes
 * (`binary:add:f32:r3:ss`), and a training loop compiles each kernel once, on its first step.
 */
export class PipelineCache {
  private readonly pipelines = new Map<string, Compiled>();

  constructor(private readonly device: GPUDevice) {}

  get(source: KernelSource): Compiled {
    let compiled = this.pipelines.get(source.key);
    if (compiled === undefined) {
      const module = this.device.createShaderModule({ code: source.code(), label: source.key });
      const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" }, label: source.key });
      compiled = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(source.key, compiled);
    }
    return compiled;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
