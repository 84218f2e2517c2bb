// Draws a sample's output events on the page. Plots use Observable Plot: a plot is a declarative spec
// (marks over plain data), which is exactly what a worker can send across postMessage, it draws SVG that
// tests and screen readers can find in the DOM, and it has the contour mark the optimizer race needs.
import * as Plot from "@observablehq/plot";
import type { OutputEvent, PlotSpec, Point } from "../../runtime/output.js";

interface LivePlot {
  readonly spec: PlotSpec;
  readonly data: Map<string, Point[]>;
  readonly element: HTMLElement;
  pending: boolean;
}

/** One output area: appends text and tables, draws and redraws plots. */
export class OutputView {
  readonly #root: HTMLElement;
  readonly #plots = new Map<number, LivePlot>();

  constructor(root: HTMLElement) {
    this.#root = root;
  }

  clear(): void {
    this.#root.replaceChildren();
    this.#plots.clear();
  }

  line(text: string, className = "sample-text"): void {
    const pre = document.createElement("pre");
    pre.className = className;
    pre.textContent = text;
    this.#root.append(pre);
  }

  show(event: OutputEvent): void {
    switch (event.kind) {
      case "text":
        this.line(event.text);
        return;
      case "table":
        this.#root.append(tableOf(event.rows));
        return;
      case "plot": {
        const element = document.createElement("figure");
        element.className = "sample-plot";
        this.#root.append(element);
        const live: LivePlot = { spec: event.spec, data: new Map(event.spec.series.map((s) => [s.name, [...s.points]])), element, pending: false };
        this.#plots.set(event.id, live);
        draw(live);
        return;
      }
      case "append": {
        const live = this.#plots.get(event.id);
        if (live === undefined) return;
        const points = live.data.get(event.series) ?? [];
        points.push(...event.points);
        live.data.set(event.series, points);
        // A training loop may append hundreds of points a second: redraw at most once per frame.
        if (!live.pending) {
          live.pending = true;
          requestAnimationFrame(() => {
            live.pending = false;
            draw(live);
          });
        }
        return;
      }
    }
  }
}

function tableOf(rows: readonly Readonly<Record<string, string | number>>[]): HTMLElement {
  const tableElement = document.createElement("table");
  tableElement.className = "sample-table";
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const head = tableElement.createTHead().insertRow();
  for (const column of columns) head.append(Object.assign(document.createElement("th"), { textContent: column }));
  const body = tableElement.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const column of columns) {
      const value = row[column];
      tr.insertCell().textContent = typeof value === "number" ? String(Number(value.toPrecision(4))) : (value ?? "");
    }
  }
  return tableElement;
}

// Series get colours from a fixed palette (the colour scale belongs to the contour's values when there is one).
const PALETTE = ["#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0"];

function draw(live: LivePlot): void {
  const { spec } = live;
  const names = [...live.data.keys()];
  const colour = (name: string): string => PALETTE[names.indexOf(name) % PALETTE.length]!;
  const rows = [...live.data].flatMap(([name, points]) => points.map((p) => ({ ...p, series: name })));
  const marks: Plot.Markish[] = [];
  if (spec.contour !== undefined) {
    const { x, y, values } = spec.contour;
    marks.push(
      Plot.contour(values.flat(), {
        x1: x[0], x2: x[1], y1: y[0], y2: y[1], width: values[0]?.length ?? 0, height: values.length,
        fill: Plot.identity, stroke: "currentColor", strokeOpacity: 0.2, fillOpacity: 0.6, thresholds: 16,
      }),
    );
  }
  // Series are lines unless declared as dots (series first seen in `append` are lines).
  const dots = new Set(spec.series.filter((s) => s.mark === "dot").map((s) => s.name));
  const lineRows = rows.filter((r) => !dots.has(r.series));
  const dotRows = rows.filter((r) => dots.has(r.series));
  if (lineRows.length > 0) marks.push(Plot.line(lineRows, { x: "x", y: "y", z: "series", stroke: (r: { series: string }) => colour(r.series), strokeWidth: 2 }));
  if (dotRows.length > 0) marks.push(Plot.dot(dotRows, { x: "x", y: "y", fill: (r: { series: string }) => colour(r.series), r: 2.5 }));
  if (spec.contour === undefined && spec.logY !== true) marks.push(Plot.ruleY([0], { strokeOpacity: 0.2 }));
  const domain = spec.contour === undefined ? {} : { domain: [...spec.contour.y] };
  const svg = Plot.plot({
    width: 640,
    height: spec.contour === undefined ? 300 : 420,
    marginLeft: 56,
    style: { background: "transparent", color: "var(--vp-c-text-1)", fontSize: "12px" },
    x: { label: spec.xLabel ?? null, ...(spec.contour === undefined ? {} : { domain: [...spec.contour.x] }) },
    y: { label: spec.yLabel ?? null, type: spec.logY === true ? "log" : "linear", ...(spec.yDomain === undefined ? domain : { domain: [...spec.yDomain] }) },
    color: { type: "linear", scheme: "blues" },
    marks,
  });
  const caption = document.createElement("figcaption");
  if (spec.title !== undefined) caption.append(Object.assign(document.createElement("strong"), { textContent: spec.title }));
  for (const name of names) {
    const key = document.createElement("span");
    key.className = "sample-key";
    key.style.setProperty("--key", colour(name));
    key.textContent = name;
    caption.append(key);
  }
  live.element.replaceChildren(caption, svg);
}
