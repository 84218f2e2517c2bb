// A Neurite backend to fill in. Storage works (typed arrays in memory: replace them with your device's
// buffers); every kernel throws "not implemented: <kernel>", and the conformance kit's failures name the
// kernel each case needs, so you can implement them one at a time. The contract, with what each kernel must
// do for every dtype, is the `Backend` interface of @neurite/tensor-core (its dist/index.d.ts, or
// src/backend.ts in the package).
import type {
  ArgReduceOp,
  Backend,
  BackendMemory,
  BinaryOp,
  DataId,
  DType,
  OutputSpec,
  ReduceOp,
  TensorInfo,
  TypedArray,
  UnaryOp,
} from "@neurite/tensor-core";

/** What a kernel of this backend throws until it is written. */
export class NotImplementedError extends Error {
  constructor(readonly kernel: string) {
    super(`not implemented: ${kernel}`);
    this.name = "NotImplementedError";
  }
}

function notImplemented(kernel: string): never {
  throw new NotImplementedError(kernel);
}

/** One allocation: a `DataId` is any object the backend recognizes. */
interface Buffer {
  readonly values: TypedArray;
}

export function mine(): Backend {
  const live = new Set<Buffer>();
  const buffer = (data: DataId): Buffer => {
    if (!live.has(data as Buffer)) throw new Error("mine: this DataId is disposed or belongs to another backend");
    return data as Buffer;
  };

  return {
    name: "mine",
    capabilities: { dtypes: ["float32", "int32", "bool"], syncRead: true },

    // --- storage ---
    upload(values: TypedArray, _dtype: DType): DataId {
      const created: Buffer = { values: values.slice() };
      live.add(created);
      return created;
    },
    read(data: DataId): Promise<TypedArray> {
      return Promise.resolve(buffer(data).values.slice());
    },
    readSync(data: DataId): TypedArray {
      return buffer(data).values.slice();
    },
    disposeData(data: DataId): void {
      live.delete(buffer(data));
    },
    memory(): BackendMemory {
      let bytes = 0;
      for (const b of live) bytes += b.values.byteLength;
      return { buffers: live.size, bytes };
    },

    // --- kernels ---
    fill(_value: number, _out: OutputSpec): DataId {
      return notImplemented("fill");
    },
    unary(_op: UnaryOp, _x: TensorInfo, _out: OutputSpec): DataId {
      return notImplemented("unary");
    },
    binary(_op: BinaryOp, _a: TensorInfo, _b: TensorInfo, _out: OutputSpec): DataId {
      return notImplemented("binary");
    },
    where(_condition: TensorInfo, _a: TensorInfo, _b: TensorInfo, _out: OutputSpec): DataId {
      return notImplemented("where");
    },
    reduce(_op: ReduceOp, _x: TensorInfo, _axes: readonly number[], _out: OutputSpec): DataId {
      return notImplemented("reduce");
    },
    argReduce(_op: ArgReduceOp, _x: TensorInfo, _axis: number, _out: OutputSpec): DataId {
      return notImplemented("argReduce");
    },
    matmul(_a: TensorInfo, _b: TensorInfo, _transposeA: boolean, _transposeB: boolean, _out: OutputSpec): DataId {
      return notImplemented("matmul");
    },
    cast(_x: TensorInfo, _out: OutputSpec): DataId {
      return notImplemented("cast");
    },
    transpose(_x: TensorInfo, _perm: readonly number[], _out: OutputSpec): DataId {
      return notImplemented("transpose");
    },
    broadcastTo(_x: TensorInfo, _out: OutputSpec): DataId {
      return notImplemented("broadcastTo");
    },
    slice(_x: TensorInfo, _begin: readonly number[], _step: readonly number[], _out: OutputSpec): DataId {
      return notImplemented("slice");
    },
    concat(_xs: readonly TensorInfo[], _axis: number, _out: OutputSpec): DataId {
      return notImplemented("concat");
    },
    pad(_x: TensorInfo, _paddings: readonly (readonly [number, number])[], _value: number, _out: OutputSpec): DataId {
      return notImplemented("pad");
    },
    gather(_x: TensorInfo, _indices: TensorInfo, _axis: number, _out: OutputSpec): DataId {
      return notImplemented("gather");
    },
    scatterAdd(_updates: TensorInfo, _indices: TensorInfo, _axis: number, _out: OutputSpec): DataId {
      return notImplemented("scatterAdd");
    },
    randomUniform(_key: readonly [number, number], _offset: number, _out: OutputSpec): DataId {
      return notImplemented("randomUniform");
    },
  };
}
