import { allocate, sizeOf, type Backend, type DataId, type DType, type TensorInfo } from "@neurite/tensor-core";
import { cpu } from "../cpu.js";

/**
 * Test helpers: the unit tests drive the kernels through the Backend interface only (upload → kernel →
 * readSync), exactly as the op layer does, so they test what tensor-core will see.
 */
export interface Harness {
  readonly backend: Backend;
  /** Uploads plain numbers as a tensor of `shape` and `dtype`. */
  readonly t: (values: readonly number[], shape: readonly number[], dtype?: DType) => TensorInfo;
  /** The values of a kernel's result, as plain numbers. */
  readonly read: (data: DataId) => number[];
}

/**
 * A backend with helpers to make and read tensors. The kernel tests beside kernels/*.ts check the TypeScript
 * kernels to the bit, so the default is `kernels: "js"`; the Wasm kernels have their own tests in wasm/ and
 * run the whole conformance kit.
 */
export function harness(kernels: "js" | "wasm" = "js"): Harness {
  const backend = cpu({ kernels });
  return {
    backend,
    t: (values, shape, dtype = "float32") => {
      if (values.length !== sizeOf(shape)) throw new Error(`test bug: ${values.length} values for shape [${shape.join(", ")}]`);
      const array = allocate(dtype, values.length);
      array.set(values);
      return { data: backend.upload(array, dtype), shape, dtype };
    },
    read: (data) => {
      if (backend.readSync === undefined) throw new Error("cpu backend must read synchronously");
      return Array.from(backend.readSync(data));
    },
  };
}

/** Deterministic pseudo-random numbers for tests (a small LCG), so failures reproduce. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `count` values in [-1, 1) from `rand`, rounded to float32 so float32 storage holds them exactly. */
export function randomValues(rand: () => number, count: number): number[] {
  return Array.from({ length: count }, () => Math.fround(rand() * 2 - 1));
}
