/**
 * `@docs/output` — what a docs sample uses to show its results: printed text (tensors included), tables and
 * plots. The same calls work wherever the sample runs: in the page's Web Worker the events stream to the
 * output area; in the Node test suite they are collected and checked.
 */
import { Tensor } from "@neurite/tensor-core";

/** One point of a plotted series. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A named line (or set of dots) on a plot. */
export interface Series {
  readonly name: string;
  readonly points: readonly Point[];
  /** `"line"` (default) or `"dot"`. */
  readonly mark?: "line" | "dot";
}

/** A function of two variables sampled on a grid, drawn as filled contours behind the series. */
export interface Contour {
  readonly x: readonly [number, number];
  readonly y: readonly [number, number];
  /** Rows from y's first to last value, each a row of values from x's first to last. */
  readonly values: readonly (readonly number[])[];
}

/** What a plot shows. */
export interface PlotSpec {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly series: readonly Series[];
  readonly contour?: Contour;
  /** Log-scale y axis (loss curves). */
  readonly logY?: boolean;
  readonly yDomain?: readonly [number, number];
}

/** Everything a sample can emit, in order. */
export type OutputEvent =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "table"; readonly rows: readonly Readonly<Record<string, string | number>>[] }
  | { readonly kind: "plot"; readonly id: number; readonly spec: PlotSpec }
  | { readonly kind: "append"; readonly id: number; readonly series: string; readonly points: readonly Point[] };

type Sink = (event: OutputEvent) => void;

let sink: Sink = (event) => {
  if (event.kind === "text") console.log(event.text);
};
let plots = 0;

/** Where the events go (the worker's postMessage, or a test's collector). Returns the previous sink. */
export function setSink(next: Sink): Sink {
  const previous = sink;
  sink = next;
  return previous;
}

/**
 * Prints values on one line, separated by spaces. Tensors are read (asynchronously, so this works on WebGPU
 * too) and shown as nested arrays with their shape; numbers get up to 4 significant digits.
 */
export async function print(...values: readonly unknown[]): Promise<void> {
  const parts = await Promise.all(values.map(format));
  sink({ kind: "text", text: parts.join(" ") });
}

/** Shows rows of named values as a table. Tensor cells are not supported: pass numbers or text. */
export function table(rows: readonly Readonly<Record<string, string | number>>[]): void {
  sink({ kind: "table", rows: rows.map((row) => ({ ...row })) });
}

/** A plot on the output area; `append` grows a series while the sample runs (a live loss curve). */
export interface PlotHandle {
  append(series: string, ...points: readonly Point[]): void;
}

/** Draws a plot (Observable Plot on the page) and returns a handle to grow its series. */
export function plot(spec: PlotSpec): PlotHandle {
  const id = ++plots;
  sink({ kind: "plot", id, spec });
  return {
    append(series, ...points) {
      sink({ kind: "append", id, series, points });
    },
  };
}

/** Pairs xs with ys as points: `points([0, 1], [5, 3])` is `[{x: 0, y: 5}, {x: 1, y: 3}]`. */
export function points(xs: ArrayLike<number>, ys: ArrayLike<number>): Point[] {
  return Array.from({ length: Math.min(xs.length, ys.length) }, (_, i) => ({ x: xs[i]!, y: ys[i]! }));
}

/** A number with up to 4 significant digits, no trailing zeros, and `-0` shown as `0`. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return Object.is(value, -0) ? "0" : String(value);
  if (!Number.isFinite(value)) return String(value);
  const text = Math.abs(value) >= 1e-4 && Math.abs(value) < 1e6 ? String(Number(value.toPrecision(4))) : value.toExponential(3);
  return text === "-0" ? "0" : text;
}

async function format(value: unknown): Promise<string> {
  if (value instanceof Tensor) {
    const nested = await value.array();
    const shape = value.shape.length === 0 ? "" : ` (shape [${value.shape.join(", ")}])`;
    return `${nest(nested)}${shape}`;
  }
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "string") return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return nest(value);
}

function nest(value: unknown): string {
  if (typeof value === "number") return formatNumber(value);
  if (Array.isArray(value)) return `[${value.map(nest).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${nest(v)}`).join(", ")} }`;
  }
  return String(value);
}
