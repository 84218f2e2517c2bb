// Digits drawn with Unicode half blocks: each character holds two pixels, one above the other, so the pixels
// come out square in a terminal whose cells are twice as tall as they are wide.

const SIDE = 28;
/** MNIST centres each digit in a 20×20 box with a 4-pixel margin; the margin is left out. */
const MARGIN = 4;
/** A pixel counts as ink from this grey level up (0 white … 1 black ink). */
const INK = 0.35;

/**
 * The 28×28 image `pixels` (values in [0, 1], row by row) as 10 lines of 20 characters.
 *
 * ```ts
 * console.log(drawDigit(test.x.subarray(0, 784)).join("\n"));
 * ```
 */
export function drawDigit(pixels: ArrayLike<number>): string[] {
  const ink = (row: number, column: number): boolean => (pixels[row * SIDE + column] ?? 0) >= INK;
  const lines: string[] = [];
  for (let row = MARGIN; row < SIDE - MARGIN; row += 2) {
    let line = "";
    for (let column = MARGIN; column < SIDE - MARGIN; column++) {
      const top = ink(row, column);
      const bottom = ink(row + 1, column);
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines;
}

/** One digit to show: its pixels, what it is, and what the model said with what probability. */
export interface Shown {
  readonly pixels: ArrayLike<number>;
  readonly label: number;
  readonly predicted: number;
  readonly probability: number;
}

/**
 * Digits side by side, as many per row as fit in `columns`, each captioned `said 7 · 99.8%` (and the true
 * digit when the model was wrong).
 */
export function drawDigits(shown: readonly Shown[], columns: number): string {
  const cell = SIDE - 2 * MARGIN + 4;
  const perRow = Math.max(1, Math.floor(columns / cell));
  const blocks: string[] = [];
  for (let start = 0; start < shown.length; start += perRow) {
    const row = shown.slice(start, start + perRow);
    const drawings = row.map((s) => drawDigit(s.pixels));
    const lines = drawings[0]!.map((_, i) => drawings.map((d) => d[i]!.padEnd(cell)).join("").trimEnd());
    const said = row.map((s) => `said ${s.predicted} ${(100 * s.probability).toFixed(1)}%`.padEnd(cell)).join("").trimEnd();
    const truth = row.map((s) => (s.predicted === s.label ? "right" : `wrong: a ${s.label}`).padEnd(cell)).join("").trimEnd();
    blocks.push([...lines, said, truth].join("\n"));
  }
  return blocks.join("\n\n");
}
