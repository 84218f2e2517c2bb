import { DTypeError, ArgumentError, ShapeError, formatShape } from "../errors.js";
import { broadcastsTo, checkShape, normalizeAxis } from "../shape.js";
import type { Tensor } from "../tensor.js";
import { clone } from "./cast.js";
import { kernel, runOp } from "./op.js";
import { expandDims } from "./reshape.js";

/**
 * Permutes the axes: `out.shape[i] = x.shape[perm[i]]`; reverses them when `perm` is omitted.
 *
 * ```ts
 * zeros([2, 3, 4]).transpose([2, 0, 1]).shape; // [4, 2, 3]
 * ```
 */
export function transpose(x: Tensor, perm?: readonly number[]): Tensor {
  const op = "transpose";
  const p = perm === undefined ? x.shape.map((_, i) => x.rank - 1 - i) : perm.map((a) => normalizeAxis({ op, argument: "perm" }, a, x.rank));
  if (p.length !== x.rank || new Set(p).size !== p.length) {
    throw new ArgumentError({ op, argument: "perm" }, `${formatShape(perm ?? [])} is not a permutation of the ${x.rank} axes of shape ${formatShape(x.shape)}`);
  }
  return runOp(op, [x], { perm: p }, true, () => {
    const out = { shape: p.map((a) => x.shape[a]!), dtype: x.dtype };
    return kernel(op, { x }, out, (backend, info) => backend.transpose(info.x!, p, out));
  });
}

/** Repeats size-1 (and missing leading) dimensions to reach `shape`, as broadcasting does. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const op = "broadcastTo";
  checkShape({ op, argument: "shape" }, shape);
  if (!broadcastsTo(x.shape, shape)) {
    throw new ShapeError({ op, argument: "shape" }, `cannot broadcast shape ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  return runOp(op, [x], { shape: [...shape] }, true, () => {
    const out = { shape, dtype: x.dtype };
    return kernel(op, { x }, out, (backend, info) => backend.broadcastTo(info.x!, out));
  });
}

/**
 * The strided slice primitive: along axis i, `shape[i]` elements from `begin[i]` every `step[i]`.
 * Recorded with attrs `{ begin, step, shape }`; `slice` and `stridedSlice` are the friendly forms.
 */
function slicePrimitive(x: Tensor, begin: readonly number[], step: readonly number[], shape: readonly number[]): Tensor {
  const op = "slice";
  return runOp(op, [x], { begin, step, shape }, true, () => {
    const out = { shape, dtype: x.dtype };
    return kernel(op, { x }, out, (backend, info) => backend.slice(info.x!, begin, step, out));
  });
}

/**
 * A contiguous block: `size[i]` elements from `begin[i]` along each axis. A negative begin counts from the
 * end; a size of -1 (or a missing entry) means "to the end".
 *
 * ```ts
 * tensor([[1, 2, 3], [4, 5, 6]]).slice([0, 1], [2, 2]); // [[2, 3], [5, 6]]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const op = "slice";
  if (begin.length > x.rank || (size !== undefined && size.length > x.rank)) {
    throw new ArgumentError({ op, argument: "begin" }, `got ${begin.length} begin and ${size?.length ?? 0} size entries for a tensor of rank ${x.rank}`);
  }
  const starts: number[] = [];
  const sizes: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i]!;
    const b0 = begin[i] ?? 0;
    const b = b0 < 0 ? b0 + dim : b0;
    if (!Number.isInteger(b0) || b < 0 || b > dim) {
      throw new ArgumentError({ op, argument: "begin" }, `begin ${String(b0)} is out of range for axis ${i} of size ${dim} (shape ${formatShape(x.shape)})`);
    }
    const s0 = size?.[i] ?? -1;
    const s = s0 === -1 ? dim - b : s0;
    if (!Number.isInteger(s) || s < 0 || b + s > dim) {
      throw new ArgumentError({ op, argument: "size" }, `size ${String(s0)} from begin ${b} overruns axis ${i} of size ${dim} (shape ${formatShape(x.shape)})`);
    }
    starts.push(b);
    sizes.push(s);
  }
  return slicePrimitive(x, starts, x.shape.map(() => 1), sizes);
}

/**
 * Python-style `x[begin:end:step]` on every axis (positive steps). Negative begin/end count from the end;
 * missing entries take the whole axis.
 *
 * ```ts
 * stridedSlice(arange(10), [1], [8], [3]); // [1, 4, 7]
 * ```
 */
export function stridedSlice(x: Tensor, begin: readonly number[], end: readonly number[], steps?: readonly number[]): Tensor {
  const op = "stridedSlice";
  const starts: number[] = [];
  const stepList: number[] = [];
  const shape: number[] = [];
  for (let i = 0; i < x.rank; i++) {
    const dim = x.shape[i]!;
    const step = steps?.[i] ?? 1;
    if (!Number.isInteger(step) || step < 1) throw new ArgumentError({ op, argument: "steps" }, `step ${String(step)} on axis ${i}; expected a positive integer`);
    const resolve = (v: number | undefined, fallback: number, argument: string): number => {
      if (v === undefined) return fallback;
      if (!Number.isInteger(v)) throw new ArgumentError({ op, argument }, `${String(v)} on axis ${i} is not an integer`);
      return Math.min(Math.max(v < 0 ? v + dim : v, 0), dim);
    };
    const b = resolve(begin[i], 0, "begin");
    const e = resolve(end[i], dim, "end");
    starts.push(b);
    stepList.push(step);
    shape.push(Math.max(0, Math.ceil((e - b) / step)));
  }
  return slicePrimitive(x, starts, stepList, shape);
}

/**
 * Joins tensors along an existing axis; every other dimension and the dtype must match.
 *
 * ```ts
 * concat([ones([2, 1]), zeros([2, 2])], 1).shape; // [2, 3]
 * ```
 */
export function concat(xs: readonly Tensor[], axis = 0): Tensor {
  const op = "concat";
  const first = xs[0];
  if (first === undefined) throw new ArgumentError({ op, argument: "xs" }, "expected at least one tensor");
  const a = normalizeAxis({ op, argument: "axis" }, axis, first.rank);
  for (const [i, t] of xs.entries()) {
    if (t.dtype !== first.dtype) throw new DTypeError({ op, argument: `xs[${i}]` }, `dtype ${t.dtype} differs from xs[0]'s ${first.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new ShapeError(
        { op, argument: `xs[${i}]` },
        `shape ${formatShape(t.shape)} does not fit xs[0]'s ${formatShape(first.shape)}: all dimensions but axis ${a} must match`,
      );
    }
  }
  if (xs.length === 1) return clone(first);
  return runOp(op, xs, { axis: a }, true, () => {
    const shape = [...first.shape];
    shape[a] = xs.reduce((total, t) => total + t.shape[a]!, 0);
    const out = { shape, dtype: first.dtype };
    const named = Object.fromEntries(xs.map((t, i) => [`xs[${i}]`, t]));
    return kernel(op, named, out, (backend, info) => backend.concat(Object.values(info), a, out));
  });
}

/**
 * Stacks tensors of one shape along a new axis.
 *
 * ```ts
 * stack([tensor([1, 2]), tensor([3, 4])]); // [[1, 2], [3, 4]]
 * ```
 */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  const op = "stack";
  const first = xs[0];
  if (first === undefined) throw new ArgumentError({ op, argument: "xs" }, "expected at least one tensor");
  for (const [i, t] of xs.entries()) {
    if (t.dtype !== first.dtype) throw new DTypeError({ op, argument: `xs[${i}]` }, `dtype ${t.dtype} differs from xs[0]'s ${first.dtype}`);
    if (t.rank !== first.rank || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new ShapeError({ op, argument: `xs[${i}]` }, `shape ${formatShape(t.shape)} differs from xs[0]'s ${formatShape(first.shape)}`);
    }
  }
  const a = normalizeAxis({ op, argument: "axis" }, axis, first.rank + 1);
  return runOp(op, xs, { axis: a }, false, () => concat(xs.map((t) => expandDims(t, a)), a));
}

/** Splits `x` along `axis` into `sections` equal parts, or into parts of the listed sizes. */
export function split(x: Tensor, sections: number | readonly number[], axis = 0): Tensor[] {
  const op = "split";
  const a = normalizeAxis({ op, argument: "axis" }, axis, x.rank);
  const dim = x.shape[a]!;
  let sizes: number[];
  if (typeof sections === "number") {
    if (!Number.isInteger(sections) || sections < 1 || dim % sections !== 0) {
      throw new ArgumentError({ op, argument: "sections" }, `cannot split axis ${a} of size ${dim} into ${sections} equal parts`);
    }
    sizes = new Array<number>(sections).fill(dim / sections);
  } else {
    sizes = [...sections];
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((t, s) => t + s, 0) !== dim) {
      throw new ArgumentError({ op, argument: "sections" }, `sizes ${formatShape(sizes)} must be non-negative integers adding up to ${dim}`);
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === a ? offset : 0));
    const size = x.shape.map((d, i) => (i === a ? s : d));
    offset += s;
    return slice(x, begin, size);
  });
}

/**
 * Pads with a constant: `paddings[i] = [before, after]` for every axis.
 *
 * ```ts
 * tensor([1, 2]).pad([[1, 2]]); // [0, 1, 2, 0, 0]
 * ```
 */
export function pad(x: Tensor, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const op = "pad";
  if (paddings.length !== x.rank) {
    throw new ArgumentError({ op, argument: "paddings" }, `got ${paddings.length} [before, after] pairs for a tensor of rank ${x.rank}`);
  }
  for (const [i, [before, after]] of paddings.entries()) {
    if (!Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new ArgumentError({ op, argument: "paddings" }, `axis ${i} has [${before}, ${after}]; expected non-negative integers`);
    }
  }
  if (Number.isNaN(value) && x.dtype !== "float32" && x.dtype !== "float64") {
    throw new ArgumentError({ op, argument: "value" }, `NaN cannot pad a ${x.dtype} tensor`);
  }
  const copy = paddings.map(([b, e]) => [b, e] as const);
  return runOp(op, [x], { paddings: copy, value }, true, () => {
    const out = { shape: x.shape.map((d, i) => d + copy[i]![0] + copy[i]![1]), dtype: x.dtype };
    return kernel(op, { x }, out, (backend, info) => backend.pad(info.x!, copy, value, out));
  });
}
