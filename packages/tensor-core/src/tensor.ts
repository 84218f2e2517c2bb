import type { Backend, DataId, TensorInfo } from "./backend.js";
import type { DType, TypedArray } from "./dtype.js";
import { engine, Storage, storageBytes } from "./engine.js";
import { BackendError, DisposedError, ShapeError, formatShape } from "./errors.js";
import { formatTensor } from "./format.js";
import { Scope, type Owner } from "./scope.js";
import { sizeOf, type Shape } from "./shape.js";
import * as ops from "./ops/index.js";

/** Nested arrays of numbers (or booleans), as `array()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | readonly NestedArray[];

/**
 * An n-dimensional array of one dtype, held by one backend. Tensors are immutable: every op returns a new
 * tensor. Free one with `dispose()`, `using`, or a `tidy` scope; the garbage collector is only a safety net.
 *
 * ```ts
 * const y = tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).relu(); // [[3], [7]]
 * ```
 */
export class Tensor {
  /** Unique within this copy of tensor-core; autograd keys its tape by it. */
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** Number of elements. */
  readonly size: number;
  #owner: Owner | null = null;
  #storage: Storage | null;
  /** Whether the garbage collector's safety net watches this tensor (see `#watch`). */
  #watched = false;

  /** @internal Use `tensor()`, `zeros()` and the other creation functions. */
  constructor(storage: Storage, shape: Shape, dtype: DType) {
    this.id = engine.newId();
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    this.#storage = storage;
    storage.retain();
    engine.countTensor(storage.backend, 1);
    engine.track(this);
    this.#watch();
  }

  /** @internal The scope or variable that frees this tensor; null when the caller owns it. */
  get owner(): Owner | null {
    return this.#owner;
  }

  set owner(owner: Owner | null) {
    this.#owner = owner;
    this.#watch();
  }

  /**
   * @internal Hands this tensor to `owner` (a scope, a variable), then tells its previous owner, so the
   * tensor is never ownerless in between.
   */
  moveTo(owner: Owner): void {
    const previous = this.#owner;
    if (previous === owner) return;
    this.owner = owner;
    previous?.release(this);
  }

  /**
   * The garbage collector's safety net watches every live tensor except those a `tidy` scope owns: the
   * scope holds them strongly and frees them when it ends (a sync scope always ends), so they cannot be
   * collected unfreed. A tensor it hands to the caller is watched from then on. Registering every tensor a
   * training step makes with the FinalizationRegistry, only to unregister it when the step's scope ends,
   * cost more than the step's small kernels: registry cells are weak, and weak cells slow every minor
   * collection. Variables are no such guarantee (a model may be dropped undisposed), so what they own stays
   * watched.
   */
  #watch(): void {
    const watch = this.#storage !== null && !(this.#owner instanceof Scope);
    if (watch === this.#watched) return;
    this.#watched = watch;
    if (watch) engine.finalizer.register(this, this.#storage!, this);
    else engine.finalizer.unregister(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  /** The backend that holds this tensor's data. */
  get backend(): Backend {
    return this.storage("backend").backend;
  }

  get isDisposed(): boolean {
    return this.#storage === null;
  }

  /** @internal The storage, or a DisposedError naming the op that wanted it. */
  storage(op: string, argument?: string): Storage {
    if (this.#storage === null) {
      throw new DisposedError(
        argument === undefined ? { op, tensor: this } : { op, argument, tensor: this },
        `tensor #${this.id} of shape ${formatShape(this.shape)} (${this.dtype}) was disposed; ` +
          "keep it alive longer, or return it from its tidy() scope, or call keep() on it",
      );
    }
    return this.#storage;
  }

  /** @internal What a backend kernel sees of this tensor. */
  info(op: string, argument?: string): TensorInfo {
    return { data: this.storage(op, argument).data, shape: this.shape, dtype: this.dtype };
  }

  /** Frees this tensor. Safe to call twice. Other tensors that share its data (reshapes) stay valid. */
  dispose(): void {
    const storage = this.#storage;
    if (storage === null) return;
    this.#storage = null;
    this.#owner?.release(this);
    this.#watch();
    engine.countTensor(storage.backend, -1);
    storage.release();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The values, as a fresh typed array (Uint8Array of 0/1 for bool). Works on every backend. */
  async data(): Promise<TypedArray> {
    const storage = this.storage("data");
    return storage.backend.read(storage.data);
  }

  /** The values at once. Throws on backends that can only read asynchronously (use `await t.data()`). */
  dataSync(): TypedArray {
    const storage = this.storage("dataSync");
    const { backend } = storage;
    if (!backend.capabilities.syncRead || backend.readSync === undefined) {
      throw new BackendError(
        { op: "dataSync" },
        `backend '${backend.name}' cannot read synchronously; use \`await t.data()\` (or \`await t.array()\`)`,
      );
    }
    return backend.readSync(storage.data);
  }

  /** The values as nested arrays (booleans for bool). */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, this.dtype);
  }

  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, this.dtype);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    return itemOf(this, await this.data());
  }

  itemSync(): number {
    return itemOf(this, this.dataSync());
  }

  /** NumPy-style text, read synchronously; on async-only backends it prints the shape and dtype only. */
  toString(): string {
    if (this.#storage === null) return `Tensor(disposed, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
    if (!this.backend.capabilities.syncRead) return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}, backend=${this.backend.name})`;
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }

  // --- the op library as methods; each is documented on its function in ops/ ---
  add(b: Tensor | number): Tensor { return ops.add(this, b); }
  sub(b: Tensor | number): Tensor { return ops.sub(this, b); }
  mul(b: Tensor | number): Tensor { return ops.mul(this, b); }
  div(b: Tensor | number): Tensor { return ops.div(this, b); }
  pow(b: Tensor | number): Tensor { return ops.pow(this, b); }
  maximum(b: Tensor | number): Tensor { return ops.maximum(this, b); }
  minimum(b: Tensor | number): Tensor { return ops.minimum(this, b); }
  equal(b: Tensor | number): Tensor { return ops.equal(this, b); }
  notEqual(b: Tensor | number): Tensor { return ops.notEqual(this, b); }
  less(b: Tensor | number): Tensor { return ops.less(this, b); }
  lessEqual(b: Tensor | number): Tensor { return ops.lessEqual(this, b); }
  greater(b: Tensor | number): Tensor { return ops.greater(this, b); }
  greaterEqual(b: Tensor | number): Tensor { return ops.greaterEqual(this, b); }
  logicalAnd(b: Tensor | boolean): Tensor { return ops.logicalAnd(this, b); }
  logicalOr(b: Tensor | boolean): Tensor { return ops.logicalOr(this, b); }
  logicalNot(): Tensor { return ops.logicalNot(this); }
  neg(): Tensor { return ops.neg(this); }
  abs(): Tensor { return ops.abs(this); }
  sign(): Tensor { return ops.sign(this); }
  exp(): Tensor { return ops.exp(this); }
  log(): Tensor { return ops.log(this); }
  sqrt(): Tensor { return ops.sqrt(this); }
  expm1(): Tensor { return ops.expm1(this); }
  log1p(): Tensor { return ops.log1p(this); }
  sin(): Tensor { return ops.sin(this); }
  cos(): Tensor { return ops.cos(this); }
  floor(): Tensor { return ops.floor(this); }
  ceil(): Tensor { return ops.ceil(this); }
  round(): Tensor { return ops.round(this); }
  isNaN(): Tensor { return ops.isNaN(this); }
  square(): Tensor { return ops.square(this); }
  reciprocal(): Tensor { return ops.reciprocal(this); }
  clip(min: number, max: number): Tensor { return ops.clip(this, min, max); }
  sigmoid(): Tensor { return ops.sigmoid(this); }
  step(): Tensor { return ops.step(this); }
  softsign(): Tensor { return ops.softsign(this); }
  tanh(): Tensor { return ops.tanh(this); }
  relu(): Tensor { return ops.relu(this); }
  leakyRelu(alpha?: number): Tensor { return ops.leakyRelu(this, alpha); }
  softplus(): Tensor { return ops.softplus(this); }
  logSigmoid(): Tensor { return ops.logSigmoid(this); }
  softmax(axis?: number): Tensor { return ops.softmax(this, axis); }
  logSoftmax(axis?: number): Tensor { return ops.logSoftmax(this, axis); }
  sum(axes?: number | readonly number[], keepDims?: boolean): Tensor { return ops.sum(this, axes, keepDims); }
  mean(axes?: number | readonly number[], keepDims?: boolean): Tensor { return ops.mean(this, axes, keepDims); }
  max(axes?: number | readonly number[], keepDims?: boolean): Tensor { return ops.max(this, axes, keepDims); }
  min(axes?: number | readonly number[], keepDims?: boolean): Tensor { return ops.min(this, axes, keepDims); }
  prod(axes?: number | readonly number[], keepDims?: boolean): Tensor { return ops.prod(this, axes, keepDims); }
  argmax(axis?: number, keepDims?: boolean): Tensor { return ops.argmax(this, axis, keepDims); }
  argmin(axis?: number, keepDims?: boolean): Tensor { return ops.argmin(this, axis, keepDims); }
  matmul(b: Tensor, options?: ops.MatmulOptions): Tensor { return ops.matmul(this, b, options); }
  reshape(shape: readonly number[]): Tensor { return ops.reshape(this, shape); }
  flatten(): Tensor { return ops.reshape(this, [-1]); }
  transpose(perm?: readonly number[]): Tensor { return ops.transpose(this, perm); }
  expandDims(axis: number): Tensor { return ops.expandDims(this, axis); }
  squeeze(axes?: number | readonly number[]): Tensor { return ops.squeeze(this, axes); }
  broadcastTo(shape: readonly number[]): Tensor { return ops.broadcastTo(this, shape); }
  slice(begin: readonly number[], size?: readonly number[]): Tensor { return ops.slice(this, begin, size); }
  pad(paddings: readonly (readonly [number, number])[], value?: number): Tensor { return ops.pad(this, paddings, value); }
  gather(indices: Tensor | readonly number[], axis?: number): Tensor { return ops.gather(this, indices, axis); }
  cast(dtype: DType): Tensor { return ops.cast(this, dtype); }
  /** A new tensor handle sharing this tensor's data (no copy); disposing one leaves the other valid. */
  clone(): Tensor { return ops.clone(this); }
  /** A copy of this tensor on another backend. */
  toBackend(backend: Backend): Promise<Tensor> { return ops.toBackend(this, backend); }
}

/** @internal Wraps a kernel's result in a tensor. */
export function makeTensor(backend: Backend, data: DataId, shape: Shape, dtype: DType): Tensor {
  return new Tensor(new Storage(backend, data, storageBytes(shape, dtype)), shape, dtype);
}

/** @internal A new tensor viewing `source`'s storage with another shape (reshape, clone). */
export function viewTensor(source: Tensor, op: string, shape: Shape): Tensor {
  return new Tensor(source.storage(op), shape, source.dtype);
}

function itemOf(t: Tensor, values: TypedArray): number {
  if (t.size !== 1) {
    throw new ShapeError({ op: "item" }, `item() needs a tensor with exactly one element; this one has shape ${formatShape(t.shape)}`);
  }
  return values[0]!;
}

function toNested(values: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const convert = dtype === "bool" ? (v: number) => v !== 0 : (v: number) => v;
  if (shape.length === 0) return convert(values[0]!);
  const build = (axis: number, offset: number, stride: number): NestedArray[] => {
    const n = shape[axis]!;
    const inner = stride / Math.max(n, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) {
      out.push(axis === shape.length - 1 ? convert(values[offset + i]!) : build(axis + 1, offset + i * inner, inner));
    }
    return out;
  };
  return build(0, 0, sizeOf(shape));
}
