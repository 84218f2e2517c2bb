import { allocate, philoxUniform, sizeOf, type OutputSpec, type TypedArray } from "@neurite/tensor-core";

/**
 * Uniform [0, 1) values: tensor-core's reference Philox stream itself, so this backend is the definition
 * the others are compared with. Every value is a multiple of 2⁻²⁴, exact in float32, so float64 gets the very
 * same numbers (not a finer stream) and a seed gives equal tensors in either dtype.
 */
export function randomUniform(key: readonly [number, number], offset: number, out: OutputSpec): TypedArray {
  const values = philoxUniform(key, offset, sizeOf(out.shape));
  if (out.dtype === "float32") return values;
  const dst = allocate(out.dtype, values.length);
  dst.set(values);
  return dst;
}
