import { BackendError } from "@neurite/tensor-core";

/** Options of `webgpu()`. Every field is optional; with none, the browser's `navigator.gpu` is used. */
export interface WebGpuOptions {
  /** Run on this device (the backend then never destroys it). */
  readonly device?: GPUDevice;
  /** Create the device from this adapter. */
  readonly adapter?: GPUAdapter;
  /** Passed to `requestAdapter` when the backend picks the adapter. */
  readonly powerPreference?: GPUPowerPreference;
  /**
   * The `GPU` object to request an adapter from: `navigator.gpu` in a browser (the default), or
   * `create([])` from the `webgpu` package in Node. The backend keeps it referenced while it lives,
   * which Dawn's Node binding needs.
   */
  readonly gpu?: GPU;
  /**
   * Lays out dispatches as if the device allowed at most this many workgroups per grid dimension (never more
   * than it does allow). Only useful to test the 2-D dispatch path on small inputs.
   */
  readonly maxWorkgroupsPerDimension?: number;
  /**
   * Binds at most this many storage buffers in one kernel (never more than the device allows). A program
   * with several results whose inputs and outputs exceed it runs one program per result instead. Only useful
   * to test that path.
   */
  readonly maxStorageBuffersPerShaderStage?: number;
  /**
   * GPU memory, in bytes, that tensor buffers — live ones plus the idle ones the pool keeps for reuse — should
   * stay within. Past it, the pool gives idle buffers back before it creates new ones; an out-of-memory error
   * from the device empties the pool too. When you set it, it is also a hard limit: a tensor that would take
   * the live (not yet disposed) tensors past it is refused with a `BackendError` at the op that asked for it.
   * Without it, the pool trims at 1 GiB and live tensors are limited by the device alone.
   */
  readonly memoryBudget?: number;
}

/** The device a backend runs on, and what it was created from. */
export interface Acquired {
  readonly gpu: GPU | null;
  readonly adapter: GPUAdapter | null;
  readonly device: GPUDevice;
  /** Whether the backend created the device (and so destroys it on `dispose()`). */
  readonly ownsDevice: boolean;
}

const SWIFTSHADER_HINT =
  "On a machine without a GPU, install Debian's `chromium` and `libvulkan1` packages and set " +
  "VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json in the environment of the process that creates the GPU";

/** The limits worth raising above WebGPU's defaults: they decide the largest tensor and dispatch. */
const WANTED_LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
] as const;

function navigatorGpu(): GPU | undefined {
  return (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
}

/** Finds (or takes) an adapter and creates a device with the adapter's full buffer and dispatch limits. */
export async function acquireDevice(options: WebGpuOptions): Promise<Acquired> {
  const op = "webgpu";
  if (options.device !== undefined) {
    return { gpu: options.gpu ?? null, adapter: options.adapter ?? null, device: options.device, ownsDevice: false };
  }
  const gpu = options.gpu ?? navigatorGpu() ?? null;
  let adapter = options.adapter ?? null;
  if (adapter === null) {
    if (gpu === null) {
      throw new BackendError(
        { op },
        "no WebGPU implementation was found: `navigator.gpu` is undefined. In a browser use one with WebGPU enabled " +
          "(served over https or from localhost); in Node pass `webgpu({ gpu: create([]) })` with `create` from the `webgpu` package",
      );
    }
    const request: GPURequestAdapterOptions = options.powerPreference === undefined ? {} : { powerPreference: options.powerPreference };
    adapter = await gpu.requestAdapter(request);
    if (adapter === null) {
      throw new BackendError({ op }, `no WebGPU adapter was found. ${SWIFTSHADER_HINT}`);
    }
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of WANTED_LIMITS) requiredLimits[name] = adapter.limits[name];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits });
  } catch (error) {
    throw new BackendError({ op }, `the adapter refused to create a device (${String(error)}); an adapter creates one device, so request a new adapter`);
  }
  return { gpu, adapter, device, ownsDevice: true };
}

/**
 * Watches a device for loss and for errors no one caught. A lost device (driver reset, `device.destroy()`,
 * the tab going to the background on some systems) turns every later call into a BackendError that says so,
 * instead of a cascade of validation errors; the fix is always to create a new backend.
 */
export class DeviceHealth {
  private lostMessage: string | null = null;
  private firstError: string | null = null;
  disposed = false;
  /** Called when the device reports running out of memory (the backend empties its pool). */
  onOutOfMemory: (() => void) | null = null;

  constructor(private readonly device: GPUDevice) {
    void device.lost.then((info) => {
      this.lostMessage = `reason '${info.reason}'${info.message ? `: ${info.message}` : ""}`;
    });
    device.addEventListener("uncapturederror", (event) => {
      this.firstError ??= event.error.message;
      if (event.error.constructor.name === "GPUOutOfMemoryError") this.onOutOfMemory?.();
    });
  }

  get lost(): boolean {
    return this.lostMessage !== null;
  }

  /** Throws a BackendError when the backend can no longer run `op`. */
  check(op: string): void {
    if (this.disposed) {
      throw new BackendError({ op }, "the webgpu backend was disposed; create a new one with `await webgpu(...)`");
    }
    if (this.lostMessage !== null) throw this.lostError(op);
  }

  lostError(op: string): BackendError {
    return new BackendError(
      { op },
      `the WebGPU device was lost (${this.lostMessage ?? "reason unknown"}); its tensors are gone. ` +
        "Create a new backend with `await webgpu(...)` and recreate the tensors on it",
    );
  }

  /** The first validation or out-of-memory error the device reported since the last call, if any. */
  takeError(): string | null {
    const error = this.firstError;
    this.firstError = null;
    return error;
  }

  /** Waits up to `ms` for the device's lost promise, so a failure right after a loss can say so. */
  async settle(ms: number): Promise<void> {
    if (this.lostMessage !== null) return;
    await Promise.race([this.device.lost, new Promise((resolve) => setTimeout(resolve, ms))]);
    await Promise.resolve();
  }
}
