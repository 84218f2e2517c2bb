import {
  broadcastTo,
  concat,
  expandDims,
  gather,
  oneHot,
  pad,
  reshape,
  scatterAdd,
  slice,
  split,
  squeeze,
  stack,
  stridedSlice,
  transpose,
  type DType,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand, type Expected, type Operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { broadcastToRef, concatRef, gatherRef, padRef, scatterAddRef, sliceRef, stridedSliceRef, transposeRef } from "../reference/movement.js";
import { nd, numel, type NdArray } from "../reference/nd.js";
import { toleranceFor } from "../tolerance.js";
import { ALL, general, NUMERIC } from "./shared.js";

const GROUP = "movement";

/** Exact expectations (movement never rounds) for one result or a list of results. */
function expectAll(want: NdArray | readonly NdArray[], dtype: DType): Expected | Expected[] {
  const tol = toleranceFor(dtype, "exact");
  return isList(want) ? want.map((w) => expected(w, dtype, tol)) : expected(want, dtype, tol);
}

function isList(want: NdArray | readonly NdArray[]): want is readonly NdArray[] {
  return Array.isArray(want);
}

/** A one-input movement case for every dtype: `op` on an input of `shape` must give `ref` of the same values. */
function oneInput(
  family: string,
  label: string,
  shape: readonly number[],
  op: (x: Tensor) => Tensor | readonly Tensor[],
  ref: (x: NdArray) => NdArray | readonly NdArray[],
  dtypes: readonly DType[] = ALL,
): ConformanceCase[] {
  return dtypes.map((dtype) => {
    const name = `${family}/${dtype}/${label}`;
    return defineCase(GROUP, name, [dtype], ({ rng }) => {
      const x = operand("x", dtype, shape, general(rng, numel(shape), dtype));
      return checkOp(name, [x], ([t]) => op(t!), expectAll(ref(x), dtype));
    });
  });
}

function transposeCases(): ConformanceCase[] {
  const configs: readonly [readonly number[], readonly number[] | undefined][] = [
    [[2, 3], undefined],
    [[2, 3, 4], [2, 0, 1]],
    [[2, 3, 4], [0, 2, 1]],
    [[2, 3, 4, 5], [0, 2, 3, 1]],
    [[2, 3, 4, 5], [0, 3, 1, 2]],
    [[0, 3], undefined],
    [[], undefined],
    [[3, 1, 2], [1, 2, 0]],
    [[64, 48], [1, 0]],
  ];
  return configs.flatMap(([shape, perm]) => {
    const p = perm ?? shape.map((_, i) => shape.length - 1 - i);
    return oneInput("transpose", `${shapeText(shape)} perm ${perm === undefined ? "reversed" : shapeText(perm)}`, shape, (x) => transpose(x, perm), (x) => transposeRef(x, p));
  });
}

function broadcastToCases(): ConformanceCase[] {
  const configs: readonly [readonly number[], readonly number[]][] = [
    [[3, 1], [2, 3, 4]],
    [[], [2, 2]],
    [[1], [0]],
    [[4], [3, 4]],
    [[2, 1, 3], [2, 5, 3]],
    [[2, 3], [2, 3]],
    [[1, 40], [60, 40]],
  ];
  return configs.flatMap(([from, to]) => oneInput("broadcastTo", `${shapeText(from)} to ${shapeText(to)}`, from, (x) => broadcastTo(x, to), (x) => broadcastToRef(x, to)));
}

function sliceCases(): ConformanceCase[] {
  // [shape, begin, size, resolved begin, resolved size]
  const configs: readonly [readonly number[], readonly number[], readonly number[] | undefined, readonly number[], readonly number[]][] = [
    [[4, 5], [1, 2], [2, 3], [1, 2], [2, 3]],
    [[6], [-2], undefined, [4], [2]],
    [[3, 4, 5], [1, 0, 2], [1, -1, 2], [1, 0, 2], [1, 4, 2]],
    [[4, 5], [2, 5], [2, 0], [2, 5], [2, 0]],
    [[3, 3], [0, 0], [3, 3], [0, 0], [3, 3]],
    [[100, 30], [10, 5], [80, 20], [10, 5], [80, 20]],
  ];
  return configs.flatMap(([shape, begin, size, b, s]) =>
    oneInput("slice", `${shapeText(shape)} begin ${shapeText(begin)} size ${size === undefined ? "to end" : shapeText(size)}`, shape, (x) => slice(x, begin, size), (x) =>
      sliceRef(x, b, b.map(() => 1), s),
    ),
  );
}

function stridedSliceCases(): ConformanceCase[] {
  const configs: readonly [readonly number[], readonly number[], readonly number[], readonly number[]][] = [
    [[10], [1], [8], [3]],
    [[6, 7], [1, -1], [-1, 7], [2, 3]],
    [[6, 7], [4, 0], [2, 7], [1, 1]],
    [[4, 5, 6], [0, 1, 0], [4, 5, 6], [1, 2, 3]],
    [[9, 9], [-100, 0], [100, 9], [4, 4]],
  ];
  return configs.flatMap(([shape, begin, end, steps]) =>
    oneInput("stridedSlice", `${shapeText(shape)} ${shapeText(begin)}:${shapeText(end)}:${shapeText(steps)}`, shape, (x) => stridedSlice(x, begin, end, steps), (x) =>
      stridedSliceRef(x, begin, end, steps),
    ),
  );
}

function padCases(): ConformanceCase[] {
  const configs: readonly [readonly number[], readonly (readonly [number, number])[], number][] = [
    [[2, 3], [[1, 0], [2, 1]], 0],
    [[2, 3], [[0, 2], [1, 1]], 1],
    [[3], [[0, 0]], 0],
    [[2, 2, 2], [[1, 1], [0, 0], [2, 0]], 1],
    [[0, 2], [[1, 1], [0, 0]], 1],
    [[], [], 0],
    [[30, 40], [[3, 4], [5, 6]], 0],
  ];
  return configs.flatMap(([shape, paddings, value]) =>
    oneInput("pad", `${shapeText(shape)} by ${JSON.stringify(paddings)} with ${value}`, shape, (x) => pad(x, paddings, value), (x) => padRef(x, paddings, value)),
  );
}

function reshapeCases(): ConformanceCase[] {
  const same = (target: readonly number[]) => (x: NdArray) => nd(target, x.values);
  return [
    ...oneInput("reshape", "[2, 3] to [3, 2]", [2, 3], (x) => reshape(x, [3, 2]), same([3, 2])),
    ...oneInput("reshape", "[2, 3, 4] to [-1]", [2, 3, 4], (x) => reshape(x, [-1]), same([24])),
    ...oneInput("squeeze", "[1, 6] axis 0", [1, 6], (x) => squeeze(x, 0), same([6])),
    ...oneInput("squeeze", "[3, 1, 1] axis -1", [3, 1, 1], (x) => squeeze(x, -1), same([3, 1])),
    ...oneInput("reshape", "[0, 3] to [3, 0]", [0, 3], (x) => reshape(x, [3, 0]), same([3, 0])),
    ...oneInput("reshape", "scalar [] to [1, 1]", [], (x) => reshape(x, [1, 1]), same([1, 1])),
    ...oneInput("expandDims", "[2, 3] axis 1", [2, 3], (x) => expandDims(x, 1), same([2, 1, 3])),
    ...oneInput("expandDims", "[2, 3] axis -1", [2, 3], (x) => expandDims(x, -1), same([2, 3, 1])),
    ...oneInput("squeeze", "[1, 3, 1, 2] all", [1, 3, 1, 2], (x) => squeeze(x), same([3, 2])),
    ...oneInput("squeeze", "[1, 3, 1, 2] axis 2", [1, 3, 1, 2], (x) => squeeze(x, 2), same([1, 3, 2])),
  ];
}

/** Several inputs of one dtype: `shapes` uploaded as xs[0], xs[1], … */
function manyInputs(
  family: string,
  label: string,
  shapes: readonly (readonly number[])[],
  op: (xs: Tensor[]) => Tensor | readonly Tensor[],
  ref: (xs: readonly Operand[]) => NdArray | readonly NdArray[],
): ConformanceCase[] {
  return ALL.map((dtype) => {
    const name = `${family}/${dtype}/${label}`;
    return defineCase(GROUP, name, [dtype], ({ rng }) => {
      const xs = shapes.map((s, i) => operand(`xs[${i}]`, dtype, s, general(rng, numel(s), dtype)));
      return checkOp(name, xs, op, expectAll(ref(xs), dtype));
    });
  });
}

function joinCases(): ConformanceCase[] {
  const concatConfigs: readonly [readonly (readonly number[])[], number][] = [
    [[[2, 3], [1, 3]], 0],
    [[[2, 1], [2, 3], [2, 2]], 1],
    [[[2, 3, 1], [2, 3, 4]], -1],
    [[[2, 0], [2, 3]], 1],
    [[[0, 3], [0, 3]], 0],
    [[[50, 20], [50, 30]], 1],
  ];
  const cases = concatConfigs.flatMap(([shapes, axis]) =>
    manyInputs("concat", `${shapes.map(shapeText).join("+")} axis ${axis}`, shapes, (xs) => concat(xs, axis), (xs) => concatRef(xs, axis < 0 ? axis + shapes[0]!.length : axis)),
  );
  for (const axis of [0, 1, -1]) {
    cases.push(
      ...manyInputs("stack", `3×[2, 3] axis ${axis}`, [[2, 3], [2, 3], [2, 3]], (xs) => stack(xs, axis), (xs) => {
        const a = axis < 0 ? axis + 3 : axis;
        return concatRef(
          xs.map((x) => nd([...x.shape.slice(0, a), 1, ...x.shape.slice(a)], x.values)),
          a,
        );
      }),
    );
  }
  cases.push(
    ...oneInput("split", "[2, 6] into 3 along axis 1", [2, 6], (x) => split(x, 3, 1), (x) => [0, 2, 4].map((b) => sliceRef(x, [0, b], [1, 1], [2, 2]))),
    ...oneInput("split", "[6, 2] into sizes [1, 3, 0, 2]", [6, 2], (x) => split(x, [1, 3, 0, 2]), (x) =>
      [[0, 1], [1, 3], [4, 0], [4, 2]].map(([b, s]) => sliceRef(x, [b!, 0], [1, 1], [s!, 2])),
    ),
  );
  return cases;
}

function gatherCases(): ConformanceCase[] {
  const configs: readonly [readonly number[], readonly number[], readonly number[], number][] = [
    // [x shape, indices, indices shape, axis]
    [[5, 3], [4, 0, 2, 2], [4], 0],
    [[3, 5], [1, 1, 4], [3], 1],
    [[4, 2], [3, 0, 1, 1, 2, 0], [2, 3], 0],
    [[4, 3], [], [0], 0],
    [[2, 4, 3], [3, 0], [2], 1],
    [[2, 3, 4], [3, 3, 0, 1, 2], [5], -1],
  ];
  const cases: ConformanceCase[] = [];
  for (const [shape, indices, indexShape, axis] of configs) {
    const a = axis < 0 ? axis + shape.length : axis;
    for (const dtype of ALL) {
      const name = `gather/${dtype}/${shapeText(shape)} at ${shapeText(indices)} (shape ${shapeText(indexShape)}) axis ${axis}`;
      cases.push(
        defineCase(GROUP, name, [dtype, "int32"], ({ rng }) => {
          const x = operand("x", dtype, shape, general(rng, numel(shape), dtype));
          const idx = operand("indices", "int32", indexShape, indices);
          const flat = gatherRef(x, indices, a);
          const want = nd([...shape.slice(0, a), ...indexShape, ...shape.slice(a + 1)], flat.values);
          return checkOp(name, [x, idx], ([tx, ti]) => gather(tx!, ti!, axis), expected(want, dtype, toleranceFor(dtype, "exact")));
        }),
      );
    }
  }
  const scatterConfigs: readonly [readonly number[], readonly number[], number][] = [
    // [output shape, indices, axis]
    [[4, 3], [1, 3, 1, 0, 1], 0],
    [[2, 5], [4, 4, 0], 1],
    [[3, 2], [], 0],
    [[2, 3, 4], [2, 0, 2], 1],
  ];
  for (const [shape, indices, axis] of scatterConfigs) {
    for (const dtype of NUMERIC) {
      const name = `scatterAdd/${dtype}/into ${shapeText(shape)} at ${shapeText(indices)} axis ${axis}`;
      cases.push(
        defineCase(GROUP, name, [dtype, "int32"], ({ rng }) => {
          const updatesShape = shape.map((d, i) => (i === axis ? indices.length : d));
          const updates = operand("updates", dtype, updatesShape, general(rng, numel(updatesShape), dtype));
          const idx = operand("indices", "int32", [indices.length], indices);
          const want = scatterAddRef(updates, indices, axis, shape);
          return checkOp(name, [updates, idx], ([tu, ti]) => scatterAdd(tu!, ti!, axis, shape), expected(want, dtype, toleranceFor(dtype, "exact")));
        }),
      );
    }
  }
  for (const dtype of ["float32", "int32"] as const) {
    const name = `oneHot/${dtype}/depth 4 with an out-of-range index`;
    cases.push(
      defineCase(GROUP, name, [dtype, "int32", "bool"], () => {
        const idx = operand("indices", "int32", [2, 2], [0, 3, 5, 1]);
        const on = dtype === "int32" ? 7 : 0.5;
        const want = [1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0];
        const wantOnOff = want.map((v) => (v === 1 ? on : -1));
        const tol = toleranceFor(dtype, "exact");
        return checkOp(name, [idx], ([t]) => [oneHot(t!, 4, { dtype }), oneHot(t!, 4, { dtype, onValue: on, offValue: -1 })], [
          expected(nd([2, 2, 4], want), dtype, tol),
          expected(nd([2, 2, 4], wantOnOff), dtype, tol),
        ]);
      }),
    );
  }
  return cases;
}

/** The cases of the movement ops: transpose, broadcast, slice, pad, reshape, concat, gather. */
export function movementCases(): ConformanceCase[] {
  return [...transposeCases(), ...broadcastToCases(), ...sliceCases(), ...stridedSliceCases(), ...padCases(), ...reshapeCases(), ...joinCases(), ...gatherCases()];
}
