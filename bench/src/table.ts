import type { Spread } from "./measure.js";

/** One line of the results: a figure (or why there is none) per library for one piece of work. */
export interface Row {
  readonly work: string;
  readonly unit: string;
  readonly higherIsBetter: boolean;
  /** Library → its figures over the repeats, or a note saying why it has none (unsupported, failed). */
  readonly figures: Readonly<Record<string, Spread | string>>;
  /** Cores' worth of CPU other processes used while this row was measured. */
  readonly others: Spread | null;
}

/** Libraries that are not peers: Neurite's own configurations, and the native reference. */
const isNeurite = (library: string) => library.startsWith("neurite");
export const REFERENCE = "numpy-openblas";

/**
 * Neurite's median against the best peer's median, oriented so that above 1 means Neurite is ahead
 * (faster, or smaller where lower is better). Null without a Neurite figure or a peer figure.
 */
export function ratioToBestPeer(row: Row, library = "neurite"): number | null {
  const own = row.figures[library];
  if (own === undefined || typeof own === "string") return null;
  const peers = Object.entries(row.figures).filter(([name, f]) => !isNeurite(name) && !name.startsWith(REFERENCE) && typeof f !== "string") as [string, Spread][];
  if (peers.length === 0) return null;
  const medians = peers.map(([, f]) => f.median);
  const best = row.higherIsBetter ? Math.max(...medians) : Math.min(...medians);
  return row.higherIsBetter ? own.median / best : best / own.median;
}

function figure(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : Math.abs(value) >= 1 ? 2 : 3;
  return value.toFixed(digits);
}

function cell(f: Spread | string | undefined): string {
  if (f === undefined) return "";
  if (typeof f === "string") return f;
  return f.min === f.max ? figure(f.median) : `${figure(f.median)} (${figure(f.min)}–${figure(f.max)})`;
}

/** The rows as a Markdown table: each cell is "median (min–max)". */
export function formatTable(rows: readonly Row[]): string {
  const libraries: string[] = [];
  for (const row of rows) for (const name of Object.keys(row.figures)) if (!libraries.includes(name)) libraries.push(name);
  const header = ["work", "unit", ...libraries, "neurite ÷ best peer", "other processes (cores)"];
  const lines = rows.map((row) => {
    const ratio = ratioToBestPeer(row);
    const others = row.others === null ? "n/a" : `${row.others.median.toFixed(2)} (max ${row.others.max.toFixed(2)})`;
    return [row.work, row.unit + (row.higherIsBetter ? " ↑" : " ↓"), ...libraries.map((l) => cell(row.figures[l])), ratio === null ? "—" : `${ratio.toFixed(2)}×`, others];
  });
  const table = [header, header.map(() => "---"), ...lines];
  return table.map((cells) => `| ${cells.join(" | ")} |`).join("\n");
}
