import { linear, matmul, type DType, type FusedActivation } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { activationRefs } from "../reference/activations.js";
import { matmulRef, matmulScale } from "../reference/matmul.js";
import { broadcastRead, broadcastShape, forEachIndex, nd, numel, store, type NdArray } from "../reference/nd.js";
import { toleranceFor } from "../tolerance.js";
import { FLOATS, NUMERIC } from "./shared.js";

const GROUP = "matmul";

interface Config {
  readonly label: string;
  readonly a: readonly number[];
  readonly b: readonly number[];
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

const CONFIGS: readonly Config[] = [
  { label: "small", a: [2, 3], b: [3, 4] },
  { label: "1x1", a: [1, 1], b: [1, 1] },
  { label: "square", a: [8, 8], b: [8, 8] },
  { label: "non-square", a: [67, 33], b: [33, 45] },
  { label: "transposeA", a: [33, 67], b: [33, 45], transposeA: true },
  { label: "transposeB", a: [67, 33], b: [45, 33], transposeB: true },
  { label: "both transposed", a: [33, 67], b: [45, 33], transposeA: true, transposeB: true },
  // Square operands have the same shape transposed or not: only a kernel that reads the flags passes these.
  { label: "square transposeA", a: [8, 8], b: [8, 8], transposeA: true },
  { label: "square transposeB", a: [8, 8], b: [8, 8], transposeB: true },
  { label: "square both transposed", a: [8, 8], b: [8, 8], transposeA: true, transposeB: true },
  { label: "square batched transposeA", a: [3, 5, 5], b: [3, 5, 5], transposeA: true },
  { label: "square batched transposeB", a: [3, 5, 5], b: [3, 5, 5], transposeB: true },
  { label: "batched", a: [3, 2, 4], b: [3, 4, 5] },
  { label: "broadcast batch", a: [2, 1, 3, 4], b: [5, 4, 2] },
  { label: "broadcast batch transposed", a: [1, 3, 4, 3], b: [2, 1, 5, 4], transposeA: true, transposeB: true },
  { label: "matrix with batch", a: [6, 4], b: [3, 4, 2] },
  { label: "vector@matrix", a: [3], b: [3, 4] },
  { label: "matrix@vector", a: [2, 3], b: [3] },
  { label: "vector@vector", a: [5], b: [5] },
  { label: "batch@vector", a: [2, 3, 4], b: [4] },
  { label: "empty m", a: [0, 3], b: [3, 4] },
  { label: "empty k", a: [2, 0], b: [0, 4] },
  { label: "empty n", a: [2, 3], b: [3, 0] },
  { label: "large blocked", a: [16, 300], b: [300, 260] },
  { label: "long inner dimension", a: [3, 4000], b: [4000, 5] },
  { label: "large batch", a: [300, 4, 3], b: [300, 3, 2] },
];

/** The expected product with NumPy's rank-1 rules: a vector a is a row, a vector b a column, and both drop out. */
function product(a: NdArray, b: NdArray, c: Config, dtype: DType): { want: NdArray; scale: NdArray } {
  const a2 = a.shape.length === 1 ? nd([1, a.shape[0]!], a.values) : a;
  const b2 = b.shape.length === 1 ? nd([b.shape[0]!, 1], b.values) : b;
  const ta = a.shape.length > 1 && (c.transposeA ?? false);
  const tb = b.shape.length > 1 && (c.transposeB ?? false);
  const full = matmulRef(a2, b2, ta, tb, dtype);
  const scale = matmulScale(a2, b2, ta, tb);
  const rank = full.shape.length;
  const shape = full.shape.filter((_, i) => !((a.shape.length === 1 && i === rank - 2) || (b.shape.length === 1 && i === rank - 1)));
  return { want: nd(shape, full.values), scale: nd(shape, scale.values) };
}

function name(c: Config, dtype: DType): string {
  const a = `${shapeText(c.a)}${c.transposeA === true ? "ᵀ" : ""}`;
  const b = `${shapeText(c.b)}${c.transposeB === true ? "ᵀ" : ""}`;
  return `matmul/${dtype}/${c.label} ${a}@${b}`;
}

function productCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of NUMERIC) {
    for (const c of CONFIGS) {
      const caseName = name(c, dtype);
      cases.push(
        defineCase(GROUP, caseName, [dtype], ({ rng }) => {
          const draw = dtype === "int32" ? (n: number) => rng.range(n, dtype, -50, 50) : (n: number) => rng.range(n, dtype, -2, 2);
          const a = operand("a", dtype, c.a, draw(numel(c.a)));
          const b = operand("b", dtype, c.b, draw(numel(c.b)));
          const { want, scale } = product(a, b, c, dtype);
          const options = { transposeA: c.transposeA ?? false, transposeB: c.transposeB ?? false };
          return checkOp(caseName, [a, b], ([ta, tb]) => matmul(ta!, tb!, options), expected(want, dtype, toleranceFor(dtype, "accumulate"), scale));
        }),
      );
    }
  }
  const wrap = "matmul/int32/wrap-around [4, 33]@[33, 3]";
  cases.push(
    defineCase(GROUP, wrap, ["int32"], ({ rng }) => {
      const a = operand("a", "int32", [4, 33], rng.range(4 * 33, "int32", -(2 ** 20), 2 ** 20));
      const b = operand("b", "int32", [33, 3], rng.range(33 * 3, "int32", -(2 ** 20), 2 ** 20));
      return checkOp(wrap, [a, b], ([ta, tb]) => matmul(ta!, tb!), expected(matmulRef(a, b, false, false, "int32"), "int32", toleranceFor("int32", "exact")));
    }),
  );
  const exact = "matmul/float32/hand-written [[1, 2], [3, 4]]@[[5, 6], [7, 8]]";
  cases.push(
    defineCase(GROUP, exact, ["float32"], () => {
      const a = operand("a", "float32", [2, 2], [1, 2, 3, 4]);
      const b = operand("b", "float32", [2, 2], [5, 6, 7, 8]);
      return checkOp(exact, [a, b], ([ta, tb]) => matmul(ta!, tb!), expected(nd([2, 2], [19, 22, 43, 50]), "float32", toleranceFor("float32", "exact")));
    }),
  );
  // The same square operands with each flag, by hand: [[1, 2], [3, 4]]ᵀ@B and A@[[5, 6], [7, 8]]ᵀ.
  const flagged: readonly [string, { transposeA: boolean; transposeB: boolean }, readonly number[]][] = [
    ["transposeA", { transposeA: true, transposeB: false }, [26, 30, 38, 44]],
    ["transposeB", { transposeA: false, transposeB: true }, [17, 23, 39, 53]],
    ["both transposed", { transposeA: true, transposeB: true }, [23, 31, 34, 46]],
  ];
  for (const [label, options, values] of flagged) {
    const caseName = `matmul/float32/hand-written ${label} [[1, 2], [3, 4]]@[[5, 6], [7, 8]]`;
    cases.push(
      defineCase(GROUP, caseName, ["float32"], () => {
        const a = operand("a", "float32", [2, 2], [1, 2, 3, 4]);
        const b = operand("b", "float32", [2, 2], [5, 6, 7, 8]);
        return checkOp(caseName, [a, b], ([ta, tb]) => matmul(ta!, tb!, options), expected(nd([2, 2], values), "float32", toleranceFor("float32", "exact")));
      }),
    );
  }
  return cases;
}

const ACTIVATIONS: readonly FusedActivation[] = ["linear", "relu", "sigmoid", "tanh"];

function linearCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  const shapes: readonly [string, readonly number[], readonly number[], readonly number[] | null][] = [
    ["with bias", [5, 7], [7, 3], [3]],
    ["without bias", [5, 7], [7, 3], null],
    ["batched x, bias [1, 4]", [2, 3, 6], [6, 4], [1, 4]],
  ];
  for (const dtype of FLOATS) {
    for (const activation of ACTIVATIONS) {
      for (const [label, sx, sw, sb] of shapes) {
        const caseName = `linear/${dtype}/${activation} ${label} ${shapeText(sx)}@${shapeText(sw)}${sb === null ? "" : `+${shapeText(sb)}`}`;
        cases.push(
          defineCase(GROUP, caseName, [dtype], ({ rng }) => {
            const x = operand("x", dtype, sx, rng.range(numel(sx), dtype, -2, 2));
            const w = operand("w", dtype, sw, rng.range(numel(sw), dtype, -2, 2));
            const bias = sb === null ? null : operand("bias", dtype, sb, rng.range(numel(sb), dtype, -2, 2));
            const z = matmulRef(x, w, false, false, "float64");
            const zScale = matmulScale(x, w, false, false);
            const shape = broadcastShape(z.shape, bias?.shape ?? []);
            const values: number[] = [];
            const scale: number[] = [];
            const f = activation === "linear" ? (v: number) => v : activationRefs[activation];
            forEachIndex(shape, (index) => {
              const pre = broadcastRead(z, index) + (bias === null ? 0 : broadcastRead(bias, index));
              values.push(store(f(pre), dtype));
              scale.push(broadcastRead(zScale, index) + (bias === null ? 0 : Math.abs(broadcastRead(bias, index))));
            });
            const inputs = bias === null ? [x, w] : [x, w, bias];
            const kind = activation === "sigmoid" || activation === "tanh" ? "transcendental" : "accumulate";
            return checkOp(caseName, inputs, ([tx, tw, tb]) => linear(tx!, tw!, tb ?? null, activation), expected(nd(shape, values), dtype, toleranceFor(dtype, kind), nd(shape, scale)));
          }),
        );
      }
    }
  }
  return cases;
}

/** The cases of matmul and linear. */
export function matmulFamilyCases(): ConformanceCase[] {
  return [...productCases(), ...linearCases()];
}
