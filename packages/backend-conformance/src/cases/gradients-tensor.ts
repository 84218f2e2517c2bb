import {
  broadcastTo,
  clone,
  concat,
  gather,
  linear,
  logSumExp,
  matmul,
  max,
  mean,
  min,
  mul,
  pad,
  prod,
  reshape,
  scatterAdd,
  slice,
  split,
  stack,
  stridedSlice,
  sum,
  tensor,
  transpose,
  type DType,
  type FusedActivation,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { operand, type Operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { activationRefs } from "../reference/activations.js";
import { binaryRef } from "../reference/elementwise.js";
import { matmulRef } from "../reference/matmul.js";
import { broadcastToRef, concatRef, gatherRef, padRef, scatterAddRef, sliceRef, stridedSliceRef, transposeRef } from "../reference/movement.js";
import { broadcastRead, broadcastShape, forEachIndex, nd, numel, store, type NdArray } from "../reference/nd.js";
import { logSumExpRef, meanRef, reduceRef } from "../reference/reduce.js";
import { awayFromZero, checkGradient, drawUntil, margin, spaced } from "./gradient-check.js";
import { FLOATS } from "./shared.js";

const GROUP = "gradient";

// --- Reductions ---

const REDUCTIONS = ["sum", "prod", "max", "min", "mean", "logSumExp"] as const;
type Reduction = (typeof REDUCTIONS)[number];

const REDUCE_FNS: Record<Reduction, (x: Tensor, axes?: number | readonly number[], keepDims?: boolean) => Tensor> = { sum, prod, max, min, mean, logSumExp };

function reduceReference(op: Reduction, x: NdArray, axes: readonly number[], keepDims: boolean): NdArray {
  if (op === "mean") return meanRef(x, axes, "float64", keepDims);
  if (op === "logSumExp") return logSumExpRef(x, axes, "float64", keepDims);
  return reduceRef(op, x, axes, "float64", keepDims);
}

const REDUCE_CONFIGS: readonly [string, readonly number[], number | readonly number[] | undefined, readonly number[], boolean][] = [
  // [label, shape, axes as passed, axes resolved, keepDims]
  ["all axes", [3, 4], undefined, [0, 1], false],
  ["axis 1", [3, 4], 1, [1], false],
  ["axes [0, 2]", [2, 3, 4], [0, 2], [0, 2], false],
  ["axis -1 keepDims", [2, 3, 4], -1, [2], true],
  ["axes [0, 1] keepDims", [2, 3, 4], [0, 1], [0, 1], true],
];

function reduceCases(dtype: DType): ConformanceCase[] {
  return REDUCTIONS.flatMap((op) =>
    REDUCE_CONFIGS.map(([label, shape, axes, resolved, keepDims]) => {
      const name = `gradient/${op}/${dtype}/${label} ${shapeText(shape)}`;
      return defineCase(GROUP, name, [dtype], ({ rng }) => {
        const n = numel(shape);
        // prod: factors away from 0 (its rule switches at zeros); max/min: no ties.
        const values = op === "prod" ? awayFromZero(rng, n, dtype, 0.5, 1.5) : op === "max" || op === "min" ? spaced(rng, n, dtype) : rng.range(n, dtype, -3, 3);
        return checkGradient(name, rng, {
          op: `${op}(x, ${axes === undefined ? "all axes" : JSON.stringify(axes)}${keepDims ? ", keepDims" : ""})`,
          inputs: [operand("x", dtype, shape, values)],
          f: (x) => REDUCE_FNS[op](x, axes, keepDims),
          ref: (x) => reduceReference(op, x, resolved, keepDims),
        });
      });
    }),
  );
}

/** prod where factors are 0: its rule counts the zeros of each row instead of dividing by them. */
function prodWithZerosCases(dtype: DType): ConformanceCase[] {
  const name = `gradient/prod/${dtype}/rows with 0, 1 and 2 zeros [3, 4] axis 1`;
  return [
    defineCase(GROUP, name, [dtype], ({ rng }) =>
      checkGradient(name, rng, {
        op: "prod(x, 1)",
        inputs: [operand("x", dtype, [3, 4], [0.5, -1.2, 0.8, 1.5, 0, 0.7, -1.1, 0.9, 0, 1.3, 0, -0.6].map((v) => store(v, dtype)))],
        f: (x) => prod(x, 1),
        ref: (x) => reduceRef("prod", x, [1], "float64"),
      }),
    ),
  ];
}

// --- matmul and linear ---

interface MatmulConfig {
  readonly label: string;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

const MATMUL: readonly MatmulConfig[] = [
  { label: "small", a: [3, 4], b: [4, 5] },
  { label: "transposeA", a: [4, 3], b: [4, 5], transposeA: true },
  { label: "transposeB", a: [3, 4], b: [5, 4], transposeB: true },
  { label: "both transposed", a: [4, 3], b: [5, 4], transposeA: true, transposeB: true },
  { label: "batched", a: [2, 3, 4], b: [2, 4, 2] },
  { label: "broadcast batch", a: [2, 1, 3, 4], b: [3, 4, 2] },
  { label: "broadcast batch transposed", a: [1, 3, 4, 3], b: [2, 1, 5, 4], transposeA: true, transposeB: true },
  { label: "matrix with batch", a: [3, 4], b: [2, 4, 3] },
  { label: "vector@matrix", a: [4], b: [4, 3] },
  { label: "matrix@vector", a: [3, 4], b: [4] },
  { label: "large", a: [40, 30], b: [30, 20] },
];

/** NumPy's matmul in the reference: a rank-1 a is a row, a rank-1 b a column, and both drop out. */
export function matmulNumpyRef(a: NdArray, b: NdArray, transposeA: boolean, transposeB: boolean): NdArray {
  const a2 = a.shape.length === 1 ? nd([1, a.shape[0]!], a.values) : a;
  const b2 = b.shape.length === 1 ? nd([b.shape[0]!, 1], b.values) : b;
  const full = matmulRef(a2, b2, a.shape.length > 1 && transposeA, b.shape.length > 1 && transposeB, "float64");
  const rank = full.shape.length;
  return nd(
    full.shape.filter((_, i) => !((a.shape.length === 1 && i === rank - 2) || (b.shape.length === 1 && i === rank - 1))),
    full.values,
  );
}

function matmulCases(dtype: DType): ConformanceCase[] {
  return MATMUL.map((c) => {
    const name = `gradient/matmul/${dtype}/${c.label} ${shapeText(c.a)}${c.transposeA === true ? "ᵀ" : ""}@${shapeText(c.b)}${c.transposeB === true ? "ᵀ" : ""}`;
    const ta = c.transposeA ?? false;
    const tb = c.transposeB ?? false;
    return defineCase(GROUP, name, [dtype], ({ rng }) =>
      checkGradient(name, rng, {
        op: `matmul${ta ? " transposeA" : ""}${tb ? " transposeB" : ""}`,
        inputs: [operand("a", dtype, c.a, rng.range(numel(c.a), dtype, -2, 2)), operand("b", dtype, c.b, rng.range(numel(c.b), dtype, -2, 2))],
        f: (a, b) => matmul(a, b, { transposeA: ta, transposeB: tb }),
        ref: (a, b) => matmulNumpyRef(a, b, ta, tb),
      }),
    );
  });
}

const FUSED: readonly FusedActivation[] = ["linear", "relu", "sigmoid", "tanh"];

/** activation(x @ w + bias) in the reference. */
export function linearRef(x: NdArray, w: NdArray, bias: NdArray | null, activation: FusedActivation): NdArray {
  const z = matmulRef(x, w, false, false, "float64");
  const shape = broadcastShape(z.shape, bias?.shape ?? []);
  const fn = activation === "linear" ? (v: number) => v : activationRefs[activation];
  const values: number[] = [];
  forEachIndex(shape, (index) => values.push(fn(broadcastRead(z, index) + (bias === null ? 0 : broadcastRead(bias, index)))));
  return nd(shape, values);
}

function linearCases(dtype: DType): ConformanceCase[] {
  const shapes: readonly [string, readonly number[], readonly number[], readonly number[] | null][] = [
    ["with bias", [4, 5], [5, 3], [3]],
    ["without bias", [4, 5], [5, 3], null],
    ["batched x, bias [1, 2]", [2, 3, 4], [4, 2], [1, 2]],
  ];
  const cases: ConformanceCase[] = [];
  for (const activation of FUSED) {
    for (const [label, sx, sw, sb] of shapes) {
      if (activation !== "relu" && label.startsWith("batched")) continue;
      const name = `gradient/linear/${dtype}/${activation} ${label} ${shapeText(sx)}@${shapeText(sw)}${sb === null ? "" : `+${shapeText(sb)}`}`;
      cases.push(
        defineCase(GROUP, name, [dtype], ({ rng }) => {
          // relu: every pre-activation keeps off the kink at 0.
          const inputs = drawUntil(
            "linear inputs",
            (): Operand[] => [
              operand("x", dtype, sx, rng.range(numel(sx), dtype, -2, 2)),
              operand("w", dtype, sw, rng.range(numel(sw), dtype, -2, 2)),
              ...(sb === null ? [] : [operand("bias", dtype, sb, rng.range(numel(sb), dtype, -2, 2))]),
            ],
            ([x, w, b]) => activation !== "relu" || margin(linearRef(x!, w!, b ?? null, "linear").values) > 0.05,
          );
          return checkGradient(name, rng, {
            op: `linear(x, w${sb === null ? "" : ", bias"}, "${activation}")`,
            inputs,
            f: (...xs) => linear(xs[0]!, xs[1]!, xs[2] ?? null, activation),
            ref: (...xs) => linearRef(xs[0]!, xs[1]!, xs[2] ?? null, activation),
          });
        }),
      );
    }
  }
  return cases;
}

// --- Movement ---

/** A one-input movement case: `f` on the backend, `ref` in the reference. */
function movement(dtype: DType, family: string, label: string, shape: readonly number[], f: (x: Tensor) => Tensor, ref: (x: NdArray) => NdArray): ConformanceCase {
  const name = `gradient/${family}/${dtype}/${label}`;
  return defineCase(GROUP, name, [dtype], ({ rng }) =>
    checkGradient(name, rng, { op: `${family} ${label}`, inputs: [operand("x", dtype, shape, rng.range(numel(shape), dtype, -3, 3))], f, ref }),
  );
}

/** `x` with a new axis of size 1 at `axis`. */
function expandRef(x: NdArray, axis: number): NdArray {
  return nd([...x.shape.slice(0, axis), 1, ...x.shape.slice(axis)], x.values);
}

function movementCases(dtype: DType): ConformanceCase[] {
  const cases = [
    movement(dtype, "clone", "[2, 3], times x", [2, 3], (x) => mul(clone(x), x), (x) => binaryRef("mul", x, x, "float64")),
    movement(dtype, "reshape", "[2, 3, 4] to [4, 6]", [2, 3, 4], (x) => reshape(x, [4, 6]), (x) => nd([4, 6], x.values)),
    movement(dtype, "transpose", "[2, 3, 4] perm [2, 0, 1]", [2, 3, 4], (x) => transpose(x, [2, 0, 1]), (x) => transposeRef(x, [2, 0, 1])),
    movement(dtype, "broadcastTo", "[3, 1] to [2, 3, 4]", [3, 1], (x) => broadcastTo(x, [2, 3, 4]), (x) => broadcastToRef(x, [2, 3, 4])),
    movement(dtype, "slice", "[4, 5] from [1, 2] size [2, 3]", [4, 5], (x) => slice(x, [1, 2], [2, 3]), (x) => sliceRef(x, [1, 2], [1, 1], [2, 3])),
    movement(dtype, "stridedSlice", "[6, 7] [1:6:2, 0:7:3]", [6, 7], (x) => stridedSlice(x, [1, 0], [6, 7], [2, 3]), (x) => stridedSliceRef(x, [1, 0], [6, 7], [2, 3])),
    movement(dtype, "stridedSlice", "[3, 5, 4] [:, -4::2, 1:3]", [3, 5, 4], (x) => stridedSlice(x, [0, -4, 1], [3, 5, 3], [1, 2, 1]), (x) => stridedSliceRef(x, [0, -4, 1], [3, 5, 3], [1, 2, 1])),
    movement(dtype, "pad", "[2, 3] by [[1, 2], [0, 1]] with 5", [2, 3], (x) => pad(x, [[1, 2], [0, 1]], 5), (x) => padRef(x, [[1, 2], [0, 1]], 5)),
    movement(dtype, "split", "[2, 6] into sizes [1, 3, 2] on axis 1, reordered", [2, 6], (x) => {
      const [p0, p1, p2] = split(x, [1, 3, 2], 1);
      return concat([p2!, mul(p0!, p0!), p1!], 1);
    }, (x) => {
      const part = (b: number, s: number): NdArray => sliceRef(x, [0, b], [1, 1], [2, s]);
      return concatRef([part(4, 2), binaryRef("mul", part(0, 1), part(0, 1), "float64"), part(1, 3)], 1);
    }),
    movement(dtype, "split", "[4, 3] into 2 on axis 0, multiplied", [4, 3], (x) => {
      const [top, bottom] = split(x, 2);
      return mul(top!, bottom!);
    }, (x) => binaryRef("mul", sliceRef(x, [0, 0], [1, 1], [2, 3]), sliceRef(x, [2, 0], [1, 1], [2, 3]), "float64")),
    movement(dtype, "gather", "[4, 3] at [2, 0, 2, 3, 2] axis 0", [4, 3], (x) => gather(x, [2, 0, 2, 3, 2], 0), (x) => gatherRef(x, [2, 0, 2, 3, 2], 0)),
    movement(dtype, "gather", "[2, 5] at [4, 4, 1] axis 1", [2, 5], (x) => gather(x, [4, 4, 1], 1), (x) => gatherRef(x, [4, 4, 1], 1)),
  ];
  const gather2d = `gradient/gather/${dtype}/[3, 2] at [[1, 1], [0, 1]] (shape [2, 2]) axis 0`;
  const scatter = `gradient/scatterAdd/${dtype}/[5, 3] into [4, 3] at [1, 3, 1, 0, 1] axis 0`;
  const concatName = `gradient/concat/${dtype}/[2, 1] [2, 3] [2, 2] on axis 1`;
  const stackName = `gradient/stack/${dtype}/3×[2, 3] on axis 1`;
  cases.push(
    defineCase(GROUP, gather2d, [dtype], async ({ rng }) => {
      const indices = tensor(Int32Array.from([1, 1, 0, 1]), { shape: [2, 2], dtype: "int32" });
      try {
        await checkGradient(gather2d, rng, {
          op: "gather with 2-D indices",
          inputs: [operand("x", dtype, [3, 2], rng.range(6, dtype, -3, 3))],
          f: (x) => gather(x, indices, 0),
          ref: (x) => nd([2, 2, 2], gatherRef(x, [1, 1, 0, 1], 0).values),
        });
      } finally {
        indices.dispose();
      }
    }),
    defineCase(GROUP, scatter, [dtype], async ({ rng }) => {
      const at = [1, 3, 1, 0, 1];
      const indices = tensor(Int32Array.from(at), { dtype: "int32" });
      try {
        await checkGradient(scatter, rng, {
          op: "scatterAdd with repeated indices",
          inputs: [operand("updates", dtype, [5, 3], rng.range(15, dtype, -3, 3))],
          f: (u) => scatterAdd(u, indices, 0, [4, 3]),
          ref: (u) => scatterAddRef(u, at, 0, [4, 3]),
        });
      } finally {
        indices.dispose();
      }
    }),
    defineCase(GROUP, concatName, [dtype], ({ rng }) =>
      checkGradient(concatName, rng, {
        op: "concat on axis 1",
        inputs: [operand("a", dtype, [2, 1], rng.range(2, dtype, -3, 3)), operand("b", dtype, [2, 3], rng.range(6, dtype, -3, 3)), operand("c", dtype, [2, 2], rng.range(4, dtype, -3, 3))],
        f: (a, b, c) => concat([a, b, c], 1),
        ref: (a, b, c) => concatRef([a, b, c], 1),
      }),
    ),
    defineCase(GROUP, stackName, [dtype], ({ rng }) =>
      checkGradient(stackName, rng, {
        op: "stack on axis 1",
        inputs: ["a", "b", "c"].map((n) => operand(n, dtype, [2, 3], rng.range(6, dtype, -3, 3))),
        f: (...xs) => stack(xs, 1),
        ref: (...xs) => concatRef(xs.map((x) => expandRef(x, 1)), 1),
      }),
    ),
  );
  return cases;
}

export function tensorGradientCases(): ConformanceCase[] {
  return FLOATS.flatMap((dtype) => [...reduceCases(dtype), ...prodWithZerosCases(dtype), ...matmulCases(dtype), ...linearCases(dtype), ...movementCases(dtype)]);
}
