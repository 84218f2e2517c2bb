import { argmax, argmin, logSumExp, max, mean, min, prod, reduceOps, sum, type DType, type ReduceOp, type Tensor } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { nd, numel } from "../reference/nd.js";
import { argReduceRef, logSumExpRef, meanRef, reduceRef, sumScale } from "../reference/reduce.js";
import type { Rng } from "../rng.js";
import { toleranceFor } from "../tolerance.js";
import { FLOATS, NUMERIC, ordered } from "./shared.js";

const GROUP = "reduce";

const REDUCERS: Record<ReduceOp, (x: Tensor, axes?: number | readonly number[], keepDims?: boolean) => Tensor> = { sum, prod, max, min };

interface Config {
  readonly label: string;
  readonly shape: readonly number[];
  /** As passed to the op (undefined: every axis; negative allowed). */
  readonly axes: number | readonly number[] | undefined;
  readonly keepDims: boolean;
}

const CONFIGS: readonly Config[] = [
  { label: "all axes", shape: [3, 4], axes: undefined, keepDims: false },
  { label: "axis 0", shape: [3, 4], axes: 0, keepDims: false },
  { label: "axis 1", shape: [3, 4], axes: 1, keepDims: false },
  { label: "axis -1 keepDims", shape: [2, 3, 4], axes: -1, keepDims: true },
  { label: "axes [0, 2]", shape: [2, 3, 4], axes: [0, 2], keepDims: false },
  { label: "axes [0, 1] keepDims", shape: [2, 3, 4], axes: [0, 1], keepDims: true },
  { label: "scalar", shape: [], axes: undefined, keepDims: false },
  { label: "empty axis 0", shape: [0, 3], axes: 0, keepDims: false },
  { label: "empty axis 1 keepDims", shape: [2, 0], axes: 1, keepDims: true },
  { label: "empty all axes", shape: [0], axes: undefined, keepDims: false },
  { label: "large axis 0", shape: [200, 50], axes: 0, keepDims: false },
  { label: "large all axes", shape: [100, 100], axes: undefined, keepDims: false },
  { label: "large axis 1", shape: [3, 1000], axes: 1, keepDims: false },
  // More than 256² elements per output: a GPU reduction needs several passes (sum and max only, for time).
  { label: "very large all axes", shape: [262147], axes: undefined, keepDims: false },
  { label: "very large axis 0", shape: [66001, 3], axes: 0, keepDims: false },
];

/** Sorted, non-negative axes, as the reference takes them. */
function resolveAxes(axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === "number" ? [axes] : axes;
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

function configName(c: Config): string {
  return `${c.label} ${shapeText(c.shape)}`;
}

/** Inputs per op: products of values near 1 (no overflow), int32 products of small factors (to wrap). */
function draw(op: ReduceOp, dtype: DType): (rng: Rng) => number {
  if (dtype === "bool") return (r) => (r.next() < 0.7 ? 1 : 0);
  if (op === "prod") return dtype === "int32" ? (r) => (r.next() < 0.5 ? -1 : 1) * r.int(1, 3) : (r) => r.uniform(0.8, 1.25);
  if (op === "sum") return dtype === "int32" ? (r) => r.int(-1000, 1000) : (r) => r.uniform(-5, 5);
  // max/min: small integers give ties.
  return dtype === "int32" ? (r) => r.int(-50, 50) : (r) => (r.next() < 0.3 ? r.int(-3, 3) : r.uniform(-5, 5));
}

function reduceCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const op of Object.keys(REDUCERS) as ReduceOp[]) {
    for (const dtype of ordered(reduceOps[op].dtypes)) {
      for (const c of CONFIGS) {
        // A float32 product of 10⁴ factors accumulates more rounding error than any tolerance should allow.
        if (op === "prod" && numel(c.shape) > 5000) continue;
        if (c.label.startsWith("very large") && op !== "sum" && op !== "max") continue;
        const name = `reduce/${op}/${dtype}/${configName(c)}`;
        cases.push(
          defineCase(GROUP, name, [dtype], ({ rng }) => {
            const x = operand("x", dtype, c.shape, rng.values(numel(c.shape), dtype, draw(op, dtype)));
            const axes = resolveAxes(c.axes, c.shape.length);
            const kind = op === "sum" || op === "prod" ? "accumulate" : "exact";
            const scale = op === "sum" ? sumScale(x, axes, c.keepDims) : undefined;
            return checkOp(name, [x], ([t]) => REDUCERS[op](t!, c.axes, c.keepDims), expected(reduceRef(op, x, axes, dtype, c.keepDims), dtype, toleranceFor(dtype, kind), scale));
          }),
        );
      }
    }
  }
  // Infinities, and int32 sums that wrap.
  for (const dtype of FLOATS) {
    for (const op of ["max", "min", "sum"] as const) {
      const name = `reduce/${op}/${dtype}/infinities along axis 1`;
      cases.push(
        defineCase(GROUP, name, [dtype], () => {
          const values = [-Infinity, -Infinity, -Infinity, 1, -Infinity, 2, Infinity, -3, 5, 0, Infinity, Infinity];
          const x = operand("x", dtype, [4, 3], values);
          return checkOp(name, [x], ([t]) => REDUCERS[op](t!, 1), expected(reduceRef(op, x, [1], dtype), dtype, toleranceFor(dtype, "exact")));
        }),
      );
    }
  }
  for (const dtype of FLOATS) {
    for (const op of ["max", "min"] as const) {
      const name = `reduce/${op}/${dtype}/NaN propagates`;
      cases.push(
        defineCase(GROUP, name, [dtype], () => {
          const x = operand("x", dtype, [3, 3], [1, NaN, 2, -Infinity, 0, NaN, 3, 4, 5]);
          return checkOp(name, [x], ([t]) => [REDUCERS[op](t!, 1), REDUCERS[op](t!, 0)], [
            expected(nd([3], [NaN, NaN, op === "max" ? 5 : 3]), dtype, toleranceFor(dtype, "exact")),
            expected(nd([3], [op === "max" ? 3 : -Infinity, NaN, NaN]), dtype, toleranceFor(dtype, "exact")),
          ]);
        }),
      );
    }
  }
  const wrap = "reduce/sum/int32/wraps at 2^31";
  cases.push(
    defineCase(GROUP, wrap, ["int32"], () => {
      const x = operand("x", "int32", [2, 3], [2147483647, 1, 5, -2147483648, -1, 0]);
      return checkOp(wrap, [x], ([t]) => sum(t!, 1), expected(nd([2], [-2147483643, 2147483647]), "int32", toleranceFor("int32", "exact")));
    }),
  );
  const exact = "reduce/sum/float32/hand-written [[1, 2], [3, 4]]";
  cases.push(
    defineCase(GROUP, exact, ["float32"], () => {
      const x = operand("x", "float32", [2, 2], [1, 2, 3, 4]);
      const tol = toleranceFor("float32", "exact");
      return checkOp(exact, [x], ([t]) => [sum(t!, 0), sum(t!, 1), sum(t!), max(t!, 0), min(t!)], [
        expected(nd([2], [4, 6]), "float32", tol),
        expected(nd([2], [3, 7]), "float32", tol),
        expected(nd([], [10]), "float32", tol),
        expected(nd([2], [3, 4]), "float32", tol),
        expected(nd([], [1]), "float32", tol),
      ]);
    }),
  );
  return cases;
}

interface ArgConfig {
  readonly label: string;
  readonly shape: readonly number[];
  readonly axis: number | undefined;
  readonly keepDims: boolean;
}

const ARG_CONFIGS: readonly ArgConfig[] = [
  { label: "axis 0", shape: [7], axis: 0, keepDims: false },
  { label: "axis 0", shape: [3, 4], axis: 0, keepDims: false },
  { label: "axis 1", shape: [3, 4], axis: 1, keepDims: false },
  { label: "axis 1 keepDims", shape: [2, 3, 4], axis: 1, keepDims: true },
  { label: "axis -1", shape: [2, 3, 4], axis: -1, keepDims: false },
  { label: "flattened", shape: [3, 4], axis: undefined, keepDims: false },
  { label: "scalar flattened", shape: [], axis: undefined, keepDims: false },
  { label: "empty outer", shape: [0, 3], axis: 1, keepDims: false },
  { label: "large axis 0", shape: [100, 30], axis: 0, keepDims: false },
];

function argCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const op of ["argmax", "argmin"] as const) {
    const fn = op === "argmax" ? argmax : argmin;
    for (const dtype of NUMERIC) {
      for (const c of ARG_CONFIGS) {
        const name = `argReduce/${op}/${dtype}/${c.label} ${shapeText(c.shape)}`;
        cases.push(
          defineCase(GROUP, name, [dtype, "int32"], ({ rng }) => {
            // Small integers make ties, which must resolve to the first index.
            const x = operand("x", dtype, c.shape, rng.values(numel(c.shape), dtype, (r) => r.int(-4, 4)));
            let want;
            if (c.axis === undefined) {
              const flat = argReduceRef(op, nd([numel(c.shape)], x.values), 0);
              want = c.keepDims ? nd(c.shape.map(() => 1), flat.values) : flat;
            } else {
              want = argReduceRef(op, x, c.axis < 0 ? c.axis + c.shape.length : c.axis, c.keepDims);
            }
            return checkOp(name, [x], ([t]) => fn(t!, c.axis, c.keepDims), expected(want, "int32", toleranceFor("int32", "exact")));
          }),
        );
      }
    }
  }
  for (const dtype of FLOATS) {
    const name = `argReduce/argmax and argmin/${dtype}/the first NaN is the extreme`;
    cases.push(
      defineCase(GROUP, name, [dtype, "int32"], () => {
        const x = operand("x", dtype, [3, 4], [1, NaN, 5, NaN, -Infinity, 2, 2, Infinity, 7, 0, -3, 7]);
        const tol = toleranceFor("int32", "exact");
        return checkOp(name, [x], ([t]) => [argmax(t!, 1), argmin(t!, 1)], [expected(nd([3], [1, 3, 0]), "int32", tol), expected(nd([3], [1, 0, 2]), "int32", tol)]);
      }),
    );
  }
  const exact = "argReduce/argmax/float32/first of equal maxima";
  cases.push(
    defineCase(GROUP, exact, ["float32", "int32"], () => {
      const x = operand("x", "float32", [2, 4], [1, 3, 3, 0, -1, -1, -2, -1]);
      return checkOp(exact, [x], ([t]) => [argmax(t!, 1), argmin(t!, 1)], [
        expected(nd([2], [1, 0]), "int32", toleranceFor("int32", "exact")),
        expected(nd([2], [3, 2]), "int32", toleranceFor("int32", "exact")),
      ]);
    }),
  );
  return cases;
}

function compositeCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const configs = CONFIGS.filter((c) => numel(c.shape) > 0 && numel(c.shape) <= 5000);
  for (const dtype of FLOATS) {
    for (const c of configs) {
      const axes = resolveAxes(c.axes, c.shape.length);
      const meanName = `reduce/mean/${dtype}/${configName(c)}`;
      cases.push(
        defineCase(GROUP, meanName, [dtype], ({ rng }) => {
          const x = operand("x", dtype, c.shape, rng.range(numel(c.shape), dtype));
          const count = axes.reduce((n, a) => n * c.shape[a]!, 1);
          const scale = sumScale(x, axes, c.keepDims);
          return checkOp(
            meanName,
            [x],
            ([t]) => mean(t!, c.axes, c.keepDims),
            expected(meanRef(x, axes, dtype, c.keepDims), dtype, toleranceFor(dtype, "accumulate"), nd(scale.shape, scale.values.map((v) => v / count))),
          );
        }),
      );
      const lseName = `reduce/logSumExp/${dtype}/${configName(c)}`;
      cases.push(
        defineCase(GROUP, lseName, [dtype], ({ rng }) => {
          const x = operand("x", dtype, c.shape, rng.range(numel(c.shape), dtype, -20, 20));
          return checkOp(lseName, [x], ([t]) => logSumExp(t!, c.axes, c.keepDims), expected(logSumExpRef(x, axes, dtype, c.keepDims), dtype, toleranceFor(dtype, "transcendental")));
        }),
      );
    }
  }
  for (const dtype of FLOATS) {
    const name = `reduce/logSumExp/${dtype}/rows of -Infinity give -Infinity`;
    cases.push(
      defineCase(GROUP, name, [dtype], () => {
        // log Σ exp(−∞) = log 0 = −∞; a shift by the maximum must not turn −∞ − (−∞) into NaN.
        const x = operand("x", dtype, [2, 3], [-Infinity, -Infinity, -Infinity, 0, -Infinity, 0]);
        return checkOp(name, [x], ([t]) => logSumExp(t!, 1), expected(nd([2], [-Infinity, Math.log(2)]), dtype, toleranceFor(dtype, "transcendental")));
      }),
    );
  }
  return cases;
}

/** The cases of the reductions and arg-reductions. */
export function reduceFamilyCases(): ConformanceCase[] {
  return [...reduceCases(), ...argCases(), ...compositeCases()];
}
