/**
 * The numeric flags of WebGPU's `GPUBufferUsage`, `GPUShaderStage` and `GPUMapMode`, fixed by the specification. Node's Dawn
 * binding only defines the global objects after `Object.assign(globalThis, globals)`, so the backend uses
 * the numbers and never depends on globals being installed.
 */
export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const MapMode = { READ: 0x0001 } as const;

export const ShaderStage = { COMPUTE: 0x4 } as const;
