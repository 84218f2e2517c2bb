import { avgPool2d, conv2d, maxPool2d, type DataFormat, type DType, type Padding } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { conv2dRef, poolRef, type WindowSpec } from "../reference/conv.js";
import { transposeRef } from "../reference/movement.js";
import { numel, type NdArray } from "../reference/nd.js";
import { checkGradient, spaced } from "./gradient-check.js";
import { FLOATS } from "./shared.js";

const GROUP = "gradient";

type Pair = number | readonly [number, number];

interface Window {
  readonly stride?: Pair;
  readonly padding?: Padding;
  readonly dilation?: Pair;
  readonly format?: DataFormat;
}

function pair(v: Pair | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

function options(w: Window) {
  return {
    ...(w.stride === undefined ? {} : { stride: w.stride }),
    ...(w.padding === undefined ? {} : { padding: w.padding }),
    ...(w.dilation === undefined ? {} : { dilation: w.dilation }),
    ...(w.format === undefined ? {} : { dataFormat: w.format }),
  };
}

function describe(w: Window): string {
  const parts: string[] = [w.format ?? "NHWC"];
  if (w.stride !== undefined) parts.push(`stride ${JSON.stringify(w.stride)}`);
  parts.push(`padding ${JSON.stringify(w.padding ?? "valid")}`);
  if (w.dilation !== undefined) parts.push(`dilation ${JSON.stringify(w.dilation)}`);
  return parts.join(" ");
}

/** The reference works in NHWC; NCHW inputs and results are transposed around it. */
function inLayout(format: DataFormat | undefined, fn: (nhwc: NdArray) => NdArray): (x: NdArray) => NdArray {
  if (format !== "NCHW") return fn;
  return (x) => transposeRef(fn(transposeRef(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
}

const CONV: readonly (Window & { readonly x: readonly number[]; readonly filter: readonly number[] })[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1] },
  { x: [1, 6, 6, 2], filter: [3, 3, 2, 3], padding: "same" },
  { x: [1, 7, 6, 2], filter: [3, 3, 2, 2], stride: 2, padding: "same" },
  { x: [2, 5, 5, 2], filter: [3, 2, 2, 2], stride: 2, padding: 1 },
  { x: [1, 8, 7, 1], filter: [3, 3, 1, 2], padding: [2, 1], dilation: 2 },
  { x: [1, 2, 6, 5], filter: [3, 3, 2, 2], padding: "same", format: "NCHW" },
  { x: [1, 7, 6, 1], filter: [2, 3, 1, 2], stride: [2, 1], dilation: [1, 2] },
  // Large: checked along random directions.
  { x: [2, 10, 10, 4], filter: [3, 3, 4, 8], padding: "same" },
];

function convCases(dtype: DType): ConformanceCase[] {
  return CONV.map((c) => {
    const name = `gradient/conv2d/${dtype}/${shapeText(c.x)}*${shapeText(c.filter)} ${describe(c)}`;
    return defineCase(GROUP, name, [dtype], ({ rng }) => {
      const spec: WindowSpec = { stride: pair(c.stride, 1), dilation: pair(c.dilation, 1), padding: c.padding ?? "valid" };
      return checkGradient(name, rng, {
        op: `conv2d ${describe(c)}`,
        inputs: [operand("x", dtype, c.x, rng.range(numel(c.x), dtype, -2, 2)), operand("filter", dtype, c.filter, rng.range(numel(c.filter), dtype, -2, 2))],
        f: (x, filter) => conv2d(x, filter, options(c)),
        ref: (x, filter) => inLayout(c.format, (nhwc) => conv2dRef(nhwc, filter, spec, "float64").result)(x),
      });
    });
  });
}

const POOL: readonly (Window & { readonly x: readonly number[]; readonly pool: Pair })[] = [
  { x: [1, 4, 6, 2], pool: 2 },
  { x: [1, 5, 5, 2], pool: 3, stride: 1 },
  { x: [1, 7, 7, 2], pool: 3, stride: 2, padding: "same" },
  { x: [1, 5, 5, 1], pool: 3, stride: 1, padding: 1 },
  { x: [1, 2, 4, 4], pool: 2, format: "NCHW" },
  { x: [1, 7, 7, 1], pool: 2, stride: 1, dilation: 2 },
];

function poolCases(dtype: DType): ConformanceCase[] {
  return (["max", "avg"] as const).flatMap((kind) =>
    POOL.map((c) => {
      const op = `${kind}Pool2d`;
      const name = `gradient/${op}/${dtype}/${shapeText(c.x)} pool ${JSON.stringify(c.pool)} ${describe(c)}`;
      return defineCase(GROUP, name, [dtype], ({ rng }) => {
        const window = pair(c.pool, 1);
        const spec: WindowSpec = { stride: pair(c.stride ?? c.pool, 1), dilation: pair(c.dilation, 1), padding: c.padding ?? "valid" };
        const fn = kind === "max" ? maxPool2d : avgPool2d;
        // Distinct values: no window has tied maxima, and a small step never changes the winner.
        const values = kind === "max" ? spaced(rng, numel(c.x), dtype) : rng.range(numel(c.x), dtype, -3, 3);
        return checkGradient(name, rng, {
          op: `${op} pool ${JSON.stringify(c.pool)} ${describe(c)}`,
          inputs: [operand("x", dtype, c.x, values)],
          f: (x) => fn(x, { poolSize: c.pool, ...options(c) }),
          ref: inLayout(c.format, (nhwc) => poolRef(kind, nhwc, window, spec, "float64")),
        });
      });
    }),
  );
}

export function convGradientCases(): ConformanceCase[] {
  return FLOATS.flatMap((dtype) => [...convCases(dtype), ...poolCases(dtype)]);
}
