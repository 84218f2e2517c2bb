import { cast, full, pad, reshape, slice, transpose, type Tensor } from "@neurite/tensor-core";
import { rule, type GradRule, type NodeContext } from "./rule.js";
import { unbroadcast } from "./util.js";

/*
 * Ops that move, copy or convert values without arithmetic. Each gradient moves g back: the inverse
 * permutation, the original shape, the adjoint of a slice (zeros with g in the sliced places) and so on.
 */

/**
 * The adjoint of the strided slice `{ begin, step, shape }`: a tensor of the input's shape holding g at the
 * places the slice read and 0 elsewhere. Along an axis with step s, g is spread out first — each element
 * followed by s − 1 zeros (pad a new axis of size 1 to s, then merge) — and then padded into place.
 */
function unslice(g: Tensor, n: NodeContext): Tensor {
  const shape = n.inputShapes[0]!;
  const begin = n.attrs.begin as readonly number[];
  const step = n.attrs.step as readonly number[];
  if (g.size === 0) return full(shape, 0, { dtype: g.dtype, backend: g.backend });
  let spread = g;
  for (const [axis, s] of step.entries()) {
    if (s === 1) continue;
    const count = spread.shape[axis]!;
    const before = spread.shape.slice(0, axis);
    const after = spread.shape.slice(axis + 1);
    const gaps = pad(
      reshape(spread, [...before, count, 1, ...after]),
      [...before.map(() => [0, 0] as const), [0, 0], [0, s - 1], ...after.map(() => [0, 0] as const)],
    );
    // count·s places; the last element's s − 1 trailing zeros are not part of the input.
    const merged = reshape(gaps, [...before, count * s, ...after]);
    spread = slice(merged, merged.shape.map(() => 0), [...before, (count - 1) * s + 1, ...after]);
  }
  return pad(
    spread,
    shape.map((d, i) => [begin[i]!, d - begin[i]! - spread.shape[i]!] as const),
  );
}

/** Splits g along the concatenation axis into pieces the size of each input. */
function unconcat(g: Tensor, n: NodeContext): (() => Tensor)[] {
  const axis = n.attrs.axis as number;
  let offset = 0;
  return n.inputShapes.map((shape) => {
    const begin = shape.map((_, i) => (i === axis ? offset : 0));
    offset += shape[axis]!;
    return () => slice(g, begin, shape);
  });
}

function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  for (const [i, p] of perm.entries()) inverse[p] = i;
  return inverse;
}

export const movementRules: Record<string, GradRule> = {
  clone: rule("none", (g) => [() => g]),
  reshape: rule("none", (g, n) => [() => reshape(g, n.inputShapes[0]!)]),
  transpose: rule("none", (g, n) => [() => transpose(g, inversePermutation(n.attrs.perm as readonly number[]))]),
  broadcastTo: rule("none", (g, n) => [() => unbroadcast(g, n.inputShapes[0]!)]),
  slice: rule("none", (g, n) => [() => unslice(g, n)]),
  concat: rule("none", (g, n) => unconcat(g, n)),
  // The padding value is a constant; the input's gradient is the middle of g.
  pad: rule("none", (g, n) =>
    [() =>
      slice(
        g,
        (n.attrs.paddings as readonly (readonly [number, number])[]).map(([before]) => before),
        n.inputShapes[0],
      ),
    ],
  ),
  // Only float → float casts are tracked (to int or bool the output carries no gradient): cast g back.
  cast: rule("none", (g, n) => [() => cast(g, n.inputDTypes[0]!)]),
};
