import { avgPool2d, conv2d, maxPool2d, type DataFormat, type Padding } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, operand } from "../check.js";
import { defineCase, shapeText } from "../define.js";
import { conv2dRef, poolRef, type WindowSpec } from "../reference/conv.js";
import { transposeRef } from "../reference/movement.js";
import { nd, numel, type NdArray } from "../reference/nd.js";
import { toleranceFor } from "../tolerance.js";
import { FLOATS } from "./shared.js";

const GROUP = "conv-pool";

type Pair = number | readonly [number, number];

function pair(v: Pair | undefined, fallback: number): [number, number] {
  if (v === undefined) return [fallback, fallback];
  return typeof v === "number" ? [v, v] : [v[0], v[1]];
}

function options(stride: Pair | undefined, padding: Padding | undefined, dilation: Pair | undefined, format: DataFormat) {
  return {
    ...(stride === undefined ? {} : { stride }),
    ...(padding === undefined ? {} : { padding }),
    ...(dilation === undefined ? {} : { dilation }),
    ...(format === "NCHW" ? { dataFormat: format } : {}),
  };
}

function describe(stride: Pair | undefined, padding: Padding | undefined, dilation: Pair | undefined, format: DataFormat): string {
  const parts: string[] = [format];
  if (stride !== undefined) parts.push(`stride ${JSON.stringify(stride)}`);
  parts.push(`padding ${JSON.stringify(padding ?? "valid")}`);
  if (dilation !== undefined) parts.push(`dilation ${JSON.stringify(dilation)}`);
  return parts.join(" ");
}

const toNHWC = (x: NdArray): NdArray => transposeRef(x, [0, 2, 3, 1]);
const fromNHWC = (x: NdArray): NdArray => transposeRef(x, [0, 3, 1, 2]);

interface ConvConfig {
  readonly x: readonly number[];
  readonly filter: readonly number[];
  readonly stride?: Pair;
  readonly padding?: Padding;
  readonly dilation?: Pair;
  readonly format?: DataFormat;
}

const CONV: readonly ConvConfig[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1] },
  { x: [2, 6, 7, 3], filter: [3, 3, 3, 4], padding: "same" },
  { x: [1, 7, 8, 2], filter: [3, 3, 2, 3], stride: 2, padding: "same" },
  { x: [1, 6, 6, 1], filter: [2, 2, 1, 1], stride: 2, padding: "same" },
  { x: [2, 5, 5, 2], filter: [3, 2, 2, 2], stride: 2, padding: 1 },
  { x: [1, 8, 9, 2], filter: [3, 3, 2, 2], padding: [2, 1], dilation: 2 },
  { x: [2, 4, 4, 5], filter: [1, 1, 5, 3] },
  { x: [2, 3, 6, 5], filter: [3, 3, 3, 2], padding: "same", format: "NCHW" },
  { x: [1, 7, 6, 1], filter: [2, 3, 1, 2], stride: [2, 1] },
  { x: [1, 2, 9, 7], filter: [2, 4, 2, 3], stride: [1, 2], dilation: [2, 1], format: "NCHW" },
  { x: [4, 16, 16, 8], filter: [3, 3, 8, 16], padding: "same" },
];

function convCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of FLOATS) {
    for (const c of CONV) {
      const format = c.format ?? "NHWC";
      const name = `conv2d/${dtype}/${shapeText(c.x)}*${shapeText(c.filter)} ${describe(c.stride, c.padding, c.dilation, format)}`;
      cases.push(
        defineCase(GROUP, name, [dtype], ({ rng }) => {
          const x = operand("x", dtype, c.x, rng.range(numel(c.x), dtype, -2, 2));
          const filter = operand("filter", dtype, c.filter, rng.range(numel(c.filter), dtype, -2, 2));
          const spec: WindowSpec = { stride: pair(c.stride, 1), dilation: pair(c.dilation, 1), padding: c.padding ?? "valid" };
          const { result, scale } = conv2dRef(format === "NCHW" ? toNHWC(x) : x, filter, spec, dtype);
          const want = format === "NCHW" ? fromNHWC(result) : result;
          const wantScale = format === "NCHW" ? fromNHWC(scale) : scale;
          return checkOp(name, [x, filter], ([tx, tf]) => conv2d(tx!, tf!, options(c.stride, c.padding, c.dilation, format)), expected(want, dtype, toleranceFor(dtype, "accumulate"), wantScale));
        }),
      );
    }
  }
  const exact = "conv2d/float32/hand-written 3×3 ones on a 4×4 ramp";
  cases.push(
    defineCase(GROUP, exact, ["float32"], () => {
      const x = operand("x", "float32", [1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i));
      const filter = operand("filter", "float32", [3, 3, 1, 1], new Array<number>(9).fill(1));
      // Window sums of 0..15 laid out 4×4: 45, 54, 81, 90 (valid); with "same", the corners see 4 pixels.
      return checkOp(exact, [x, filter], ([tx, tf]) => [conv2d(tx!, tf!), conv2d(tx!, tf!, { padding: "same" })], [
        expected(nd([1, 2, 2, 1], [45, 54, 81, 90]), "float32", toleranceFor("float32", "exact")),
        expected(nd([1, 4, 4, 1], [10, 18, 24, 18, 27, 45, 54, 39, 51, 81, 90, 63, 42, 66, 72, 50]), "float32", toleranceFor("float32", "exact")),
      ]);
    }),
  );
  return cases;
}

interface PoolConfig {
  readonly x: readonly number[];
  readonly pool: Pair;
  readonly stride?: Pair;
  readonly padding?: Padding;
  readonly dilation?: Pair;
  readonly format?: DataFormat;
}

const POOL: readonly PoolConfig[] = [
  { x: [2, 4, 6, 3], pool: 2 },
  { x: [1, 5, 5, 2], pool: 3, stride: 1 },
  { x: [1, 7, 7, 2], pool: 3, stride: 2, padding: "same" },
  { x: [1, 6, 6, 1], pool: 2, stride: 2, padding: "same" },
  { x: [2, 5, 7, 1], pool: [2, 3], stride: [1, 2] },
  { x: [2, 3, 4, 4], pool: 2, format: "NCHW" },
  { x: [1, 5, 5, 2], pool: 3, stride: 1, padding: 1 },
  { x: [1, 7, 7, 1], pool: 2, stride: 1, dilation: 2 },
  { x: [4, 32, 32, 8], pool: 2 },
];

function poolCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const kind of ["max", "avg"] as const) {
    const fn = kind === "max" ? maxPool2d : avgPool2d;
    for (const dtype of FLOATS) {
      for (const c of POOL) {
        const format = c.format ?? "NHWC";
        const name = `${kind}Pool2d/${dtype}/${shapeText(c.x)} pool ${JSON.stringify(c.pool)} ${describe(c.stride, c.padding, c.dilation, format)}`;
        cases.push(
          defineCase(GROUP, name, [dtype], ({ rng }) => {
            // All-negative inputs: a max pool that lets a zero pad win shows up at once.
            const x = operand("x", dtype, c.x, rng.range(numel(c.x), dtype, -9, -1));
            const window = pair(c.pool, 1);
            const spec: WindowSpec = { stride: pair(c.stride ?? c.pool, 1), dilation: pair(c.dilation, 1), padding: c.padding ?? "valid" };
            const result = poolRef(kind, format === "NCHW" ? toNHWC(x) : x, window, spec, dtype);
            const want = format === "NCHW" ? fromNHWC(result) : result;
            const opts = { poolSize: c.pool, ...options(c.stride, c.padding, c.dilation, format) };
            const tol = toleranceFor(dtype, kind === "max" ? "exact" : "accumulate");
            return checkOp(name, [x], ([t]) => fn(t!, opts), expected(want, dtype, tol, nd(want.shape, want.values.map((v) => Math.abs(v)))));
          }),
        );
      }
    }
  }
  const exact = "pool/float32/hand-written 2×2 on a 4×4 ramp";
  cases.push(
    defineCase(GROUP, exact, ["float32"], () => {
      const x = operand("x", "float32", [1, 4, 4, 1], Array.from({ length: 16 }, (_, i) => i));
      return checkOp(exact, [x], ([t]) => [maxPool2d(t!, { poolSize: 2 }), avgPool2d(t!, { poolSize: 2 }), avgPool2d(t!, { poolSize: 3, stride: 3, padding: "same" })], [
        expected(nd([1, 2, 2, 1], [5, 7, 13, 15]), "float32", toleranceFor("float32", "exact")),
        expected(nd([1, 2, 2, 1], [2.5, 4.5, 10.5, 12.5]), "float32", toleranceFor("float32", "exact")),
        // 3×3 windows at stride 3 over 4×4, "same": one pixel of padding on each side, so every window holds
        // 2×2 real pixels, and averaging over them alone gives the 2×2 averages again (not 4/9 of them).
        expected(nd([1, 2, 2, 1], [2.5, 4.5, 10.5, 12.5]), "float32", toleranceFor("float32", "exact")),
      ]);
    }),
  );
  return cases;
}

/** The cases of convolution and pooling. */
export function convPoolCases(): ConformanceCase[] {
  return [...convCases(), ...poolCases()];
}
