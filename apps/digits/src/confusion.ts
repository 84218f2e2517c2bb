// Which digits are taken for which: rows are the true digit, columns what the model said.

/** counts[t][p]: how many samples of class t were predicted as p. */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes = 10): number[][] {
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < truth.length; i++) counts[truth[i]!]![predicted[i]!]! += 1;
  return counts;
}

const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const DIM = "\x1b[2m";
const RESET = "\x1b[0m";

/**
 * The matrix as a table with each row's recall at the end. On a terminal the diagonal is green and mistakes
 * red; zeros are dimmed as `·`.
 *
 * ```ts
 * console.log(formatConfusion(confusionMatrix([0, 1, 1], [0, 1, 7]), false));
 * ```
 */
export function formatConfusion(counts: readonly (readonly number[])[], color: boolean): string {
  const width = Math.max(3, ...counts.flat().map((n) => String(n).length + 1));
  const paint = (text: string, code: string): string => (color ? `${code}${text}${RESET}` : text);
  const header = `true\\said${counts.map((_, p) => String(p).padStart(width)).join("")}   recall`;
  const rows = counts.map((row, t) => {
    const cells = row.map((n, p) => {
      const text = (n === 0 ? "·" : String(n)).padStart(width);
      if (n === 0) return paint(text, DIM);
      return paint(text, p === t ? GREEN : RED);
    });
    const total = row.reduce((a, b) => a + b, 0);
    const recall = total === 0 ? "  –" : `${((100 * row[t]!) / total).toFixed(1).padStart(5)}%`;
    return `${String(t).padStart(9)}${cells.join("")}   ${recall}`;
  });
  return [header, ...rows].join("\n");
}
