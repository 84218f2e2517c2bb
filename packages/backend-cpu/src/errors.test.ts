import {
  add,
  BackendError,
  callSite,
  DisposedError,
  DTypeError,
  memory,
  relu,
  setBackend,
  tensor,
  zeros,
  type Backend,
  type DataId,
  type OutputSpec,
  type TensorInfo,
} from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";

/** What `fn` throws (undefined if nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
import { cpu } from "./index.js";

// tensor-core's errors at the boundary with a backend, and errors that name the call the user made.

const reference = cpu();
beforeAll(async () => {
  await setBackend(reference);
});

/** A real cpu backend with some methods replaced: what a plugin author's backend may get wrong. */
function altered(overrides: Partial<Record<keyof Backend, unknown>>, name = "altered", inner: Backend = cpu()): Backend {
  return new Proxy(inner, {
    get(target, key, receiver) {
      if (key === "name") return name;
      if (key in overrides) return overrides[key as keyof Backend];
      const value: unknown = Reflect.get(target, key, receiver);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("setBackend checks the backend's shape against the contract", () => {
  it("an empty object is refused, naming every missing method", async () => {
    const error = await setBackend({} as Backend).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    const message = (error as Error).message;
    expect(message).toContain("setBackend (argument 'backend'): backend (unnamed) does not implement the backend contract");
    for (const m of ["upload", "read", "disposeData", "memory", "fill", "unary", "binary", "where", "reduce", "argReduce", "matmul", "cast", "transpose", "broadcastTo", "slice", "concat", "pad", "gather", "scatterAdd", "randomUniform"]) {
      expect(message).toContain(m);
    }
    expect(message).toContain("capabilities.dtypes");
  });

  it("a backend missing two kernels is refused by name, and the current backend stays", async () => {
    const error = await setBackend(altered({ pad: undefined, gather: 3 }, "half")).catch((e: unknown) => e);
    expect((error as Error).message).toContain("backend 'half' does not implement the backend contract: it lacks the methods pad, gather");
    expect(memory().backend).toBe("cpu");
    await expect(setBackend(altered({ readSync: undefined }, "sync"))).rejects.toThrow("`readSync` (capabilities.syncRead is true)");
  });
});

describe("a kernel that breaks the contract is reported where it happened", () => {
  it("a throwing kernel is wrapped with the backend and kernel names, the original as cause", () => {
    const original = new TypeError("boom");
    const backend = altered({ unary: () => { throw original; } }, "broken");
    const x = tensor([1, 2], { backend });
    const error = thrown(() => x.exp());
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe("exp: backend 'broken' its kernel for 'exp' threw TypeError: boom");
    expect((error as Error).cause).toBe(original);
    x.dispose();
  });

  it("a kernel that frees its input is caught at once, not as a SuppressedError at the next dispose", () => {
    const inner = cpu();
    const backend = altered(
      {
        binary: (op: "add", a: TensorInfo, b: TensorInfo, out: OutputSpec): DataId => {
          const result = inner.binary(op, a, b, out);
          inner.disposeData(a.data); // "in place": the input's storage is gone, tensor-core's free would fail later
          return result;
        },
      },
      "freeing",
      inner,
    );
    const a = tensor([1, 2], { backend });
    const b = tensor([3, 4], { backend });
    expect(() => add(a, b)).toThrow("backend 'freeing': its kernel for 'add' freed storage it did not create");
  });

  it("an allocation the CPU cannot make is a BackendError saying how much was asked for", () => {
    const error = thrown(() => zeros([2 ** 40]));
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toContain(`zeros: backend 'cpu' could not allocate ${2 ** 42} bytes for a float32 result of shape [${2 ** 40}]`);
    expect((error as Error).cause).toBeInstanceOf(RangeError);
  });

  it("tensors on two instances of one backend are told apart", () => {
    const other = cpu();
    const a = tensor([1]);
    const b = tensor([1], { backend: other });
    expect(() => add(a, b)).toThrow(/b lives on backend 'cpu' #\d+ but a on 'cpu' #\d+ \(two instances of the same backend\)/);
    const [first, second] = [...(thrown(() => add(a, b)) as Error).message.matchAll(/#(\d+)/g)].map((m) => m[1]);
    expect(first).not.toBe(second);
  });
});

describe("errors raised inside a public function name that function", () => {
  it("an op that runs as one elementwise program names itself and its argument", () => {
    // relu is one fused program (no inner `greater`/`where` any more), so the error is raised by relu itself.
    const x = tensor([1, -1]);
    x.dispose();
    const error = thrown(() => relu(x)) as DisposedError;
    expect(error).toBeInstanceOf(DisposedError);
    expect(error.op).toBe("relu");
    expect(error.message).toMatch(/^relu \(argument 'x'\): tensor #\d+ of shape \[2\] \(float32\) was disposed/);
  });

  it("callSite names the argument that holds the tensor at fault", () => {
    const predictions = tensor([1, 2]);
    const targets = tensor([1, 2], { dtype: "int32" });
    const mse = (p: typeof predictions, t: typeof targets) => callSite("mse", { predictions: p, targets: t }, () => p.sub(t).square().mean());
    const error = thrown(() => mse(predictions, targets)) as DTypeError;
    expect(error).toBeInstanceOf(DTypeError);
    expect(error.message).toBe(`mse (argument 'targets'): dtypes differ: a is float32, b is int32; cast one first, e.g. b.cast("float32") (raised in sub (argument 'b'))`);
    expect(error.argument).toBe("targets");
    expect(error.cause).toBeInstanceOf(DTypeError);
  });
});
