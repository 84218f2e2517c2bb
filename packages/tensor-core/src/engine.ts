import type { Backend, DataId } from "./backend.js";
import { bytesPerElement, type DType } from "./dtype.js";
import { BackendError } from "./errors.js";
import { seedToKey } from "./philox.js";
import { sizeOf } from "./shape.js";
import { loadAsyncContext, Scope, type AsyncContext } from "./scope.js";
import type { Tensor } from "./tensor.js";

/**
 * Storage shared by every tensor that views the same data (a tensor and its reshapes). The backend's
 * `disposeData` runs when the last of them is disposed.
 */
export class Storage {
  refs = 0;
  constructor(
    readonly backend: Backend,
    readonly data: DataId,
    readonly bytes: number,
  ) {}

  retain(): void {
    this.refs++;
  }

  release(): void {
    if (--this.refs === 0) this.backend.disposeData(this.data);
  }
}

/** One recorded op, as seen by an op recorder (autograd's tape). */
export interface OpNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly attrs: Readonly<Record<string, unknown>>;
}

/**
 * Watches ops as they run; autograd installs one while it traces a function. tensor-core knows nothing of
 * gradients: it only asks, before each op, whether the recorder wants the op as one node.
 */
export interface OpRecorder {
  /**
   * Return true to record this op as a single node: it then runs with recording paused, so the ops it is
   * composed of are not seen. Return false to let its inner ops be seen one by one (a composite without a
   * rule of its own). `primitive` says the op calls a backend kernel directly and has no inner ops.
   */
  claims(op: string, inputs: readonly Tensor[], primitive: boolean): boolean;
  record(node: OpNode): void;
}

/** Live tensors and storage of one backend. */
export interface MemoryInfo {
  readonly backend: string;
  /** Tensors created and not yet disposed. */
  readonly tensors: number;
  /** Storage allocations the backend holds (views share one). */
  readonly buffers: number;
  readonly bytes: number;
}

/**
 * The state of one copy of tensor-core: the current backend, the scope stack, live-tensor counts, the op
 * recorder and the global random stream. It lives in this module, not on `globalThis`, so two copies of the
 * package in one bundle keep separate states and never collide.
 */
class Engine {
  backend: Backend | null = null;
  /**
   * The innermost synchronous scope: set while a sync `tidy` (or `scope.run`) runs, null otherwise. It is
   * always null when a task or microtask starts, since every sync scope ends before its caller returns.
   */
  syncScope: Scope | null = null;
  /** The async context that async scopes follow; loaded at the first async scope (null where none exists). */
  private asyncContext: AsyncContext<Scope> | null | undefined;
  readonly liveTensors = new Map<Backend, number>();
  recorder: OpRecorder | null = null;
  randomKey: [number, number] = seedToKey(Math.floor(Math.random() * 2 ** 32));
  randomOffset = 0;
  private nextId = 0;

  /** Frees the storage of tensors that were garbage-collected without `dispose()`: the safety net. */
  readonly finalizer = new FinalizationRegistry<Storage>((storage) => {
    this.countTensor(storage.backend, -1);
    storage.release();
  });

  private readonly instances = new WeakMap<Backend, number>();

  /** A number for each backend object, in the order they were first seen: #1, #2, … */
  instanceOf(backend: Backend): number {
    let n = this.instances.get(backend);
    if (n === undefined) this.instances.set(backend, (n = ++this.instanceCount));
    return n;
  }

  private instanceCount = 0;

  newId(): number {
    return this.nextId++;
  }

  countTensor(backend: Backend, delta: number): void {
    this.liveTensors.set(backend, (this.liveTensors.get(backend) ?? 0) + delta);
  }

  /** The async context, loaded on first use; null in environments without one (browsers). */
  asyncScopes(): AsyncContext<Scope> | null {
    if (this.asyncContext === undefined) this.asyncContext = loadAsyncContext<Scope>();
    return this.asyncContext;
  }

  /** The scope new tensors join: the innermost sync scope, else the async scope of this async context. */
  currentScope(): Scope | null {
    const scope = this.syncScope ?? this.asyncContext?.getStore() ?? null;
    return scope?.open() ?? null;
  }

  /** Hands a new tensor to the current scope, if any (otherwise the caller owns it). */
  track(tensor: Tensor): void {
    this.currentScope()?.adopt(tensor);
  }

  currentBackend(op: string): Backend {
    if (this.backend === null) {
      throw new BackendError(
        { op },
        "no backend is set; call `await setBackend(cpu())` (from @neurite/backend-cpu) or another backend first",
      );
    }
    return this.backend;
  }
}

export const engine = new Engine();

/** Bytes of a tensor's storage. */
export function storageBytes(shape: readonly number[], dtype: DType): number {
  return sizeOf(shape) * bytesPerElement(dtype);
}
