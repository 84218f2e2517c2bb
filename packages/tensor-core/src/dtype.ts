import { DTypeError, type ErrorSite } from "./errors.js";

/**
 * The element types a tensor can hold.
 *
 * `float32`, `int32` and `bool` are supported by every backend. `float64` exists where a backend declares it
 * (backend-cpu does) and is used for gradient checking and reference computations.
 */
export type DType = "float32" | "int32" | "bool" | "float64";

/** Every dtype, in promotion order (a later one can hold the values of an earlier one). */
export const DTYPES: readonly DType[] = ["bool", "int32", "float32", "float64"];

/** The typed array that holds the values of each dtype. `bool` is stored as 0/1 bytes. */
export interface DataTypeMap {
  float32: Float32Array;
  int32: Int32Array;
  bool: Uint8Array;
  float64: Float64Array;
}

/** The typed arrays that hold tensor values: Float32Array, Int32Array, Uint8Array (bool) and Float64Array. */
export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array;

/** Values a typed array of the given dtype holds. */
export type DataFor<D extends DType> = DataTypeMap[D];

/** Whether `dtype` is a floating-point dtype (float32 or float64). */
export function isFloat(dtype: DType): dtype is "float32" | "float64" {
  return dtype === "float32" || dtype === "float64";
}

export function isDType(value: unknown): value is DType {
  return value === "float32" || value === "int32" || value === "bool" || value === "float64";
}

/** Bytes taken by one element of `dtype`. */
export function bytesPerElement(dtype: DType): number {
  switch (dtype) {
    case "float64":
      return 8;
    case "float32":
    case "int32":
      return 4;
    case "bool":
      return 1;
  }
}

/** A new zero-filled typed array for `size` elements of `dtype`. */
export function allocate<D extends DType>(dtype: D, size: number): DataFor<D>;
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
    case "float64":
      return new Float64Array(size);
  }
}

/** Whether `values` is the typed array that stores `dtype`. */
export function matchesDType(values: TypedArray, dtype: DType): boolean {
  switch (dtype) {
    case "float32":
      return values instanceof Float32Array;
    case "int32":
      return values instanceof Int32Array;
    case "bool":
      return values instanceof Uint8Array;
    case "float64":
      return values instanceof Float64Array;
  }
}

/** The dtype whose storage is this typed array. */
export function dtypeOfArray(values: TypedArray): DType {
  if (values instanceof Float32Array) return "float32";
  if (values instanceof Int32Array) return "int32";
  if (values instanceof Float64Array) return "float64";
  return "bool";
}

/**
 * Converts one number to the value `dtype` stores: int32 truncates toward zero (as a C cast does),
 * bool is 1 for any non-zero value (NaN included), floats are unchanged (float32 rounding happens on store).
 */
export function castValue(value: number, dtype: DType): number {
  switch (dtype) {
    case "int32":
      return value | 0;
    case "bool":
      return value !== 0 ? 1 : 0;
    default:
      return value;
  }
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * A number a user gave, as `dtype` stores it — or a DTypeError if it does not fit. This is the one path plain
 * numbers take into tensors (`tensor`, `full`, scalars mixed with tensors, index lists), so nothing wraps
 * silently: int32 takes integers in [−2³¹, 2³¹ − 1] only (not 3e9, 1.5, NaN or ±∞); bool takes any number
 * (non-zero is true); floats take any number. `cast` is the explicit conversion that truncates.
 * `position` (e.g. "[1, 0]") says which element of a list was at fault.
 */
export function fitValue(site: ErrorSite, value: number, dtype: DType, position?: string): number {
  if (dtype === "int32") {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      const where = position === undefined ? "" : ` at ${position}`;
      const why = Number.isInteger(value) ? "outside the int32 range" : Number.isNaN(value) ? "not a number" : Number.isFinite(value) ? "not an integer" : "infinite";
      throw new DTypeError(
        site,
        `the value ${value}${where} does not fit int32 (it is ${why}); expected an integer in [${INT32_MIN}, ${INT32_MAX}] — use float32, or cast() to truncate on purpose`,
      );
    }
    return value;
  }
  return castValue(value, dtype);
}
