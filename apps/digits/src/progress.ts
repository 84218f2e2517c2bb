// A progress bar per epoch in the Keras style. On a terminal it is redrawn in place after every step (at most
// ~20 times a second); in a log or a pipe each epoch prints one finished line.

/** Where the bar is written: process.stdout, or anything with the same three members. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

const BAR = 30;
const REDRAW_MS = 50;

/** `0.8s`, `42s`, `3m05s`, `1h02m`: short enough for an ETA. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 10) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** `[=========>....................]`: `done` of `total` steps in `width` cells. */
export function drawBar(done: number, total: number, width: number): string {
  if (total <= 0 || done >= total) return `[${"=".repeat(width)}]`;
  const filled = Math.floor((done / total) * width);
  return `[${"=".repeat(filled)}>${".".repeat(width - filled - 1)}]`;
}

/** ` - loss: 0.2134 - accuracy: 0.9399` in the order given. */
export function formatMetrics(metrics: Readonly<Record<string, number>>): string {
  return Object.entries(metrics)
    .map(([name, value]) => ` - ${name}: ${value.toFixed(4)}`)
    .join("");
}

/**
 * One epoch's bar. `begin` before the first step (with the steps already done when a run resumes mid-epoch),
 * `step` after each, `end` with the epoch's logs.
 *
 * ```ts
 * const bar = new ProgressBar(process.stdout);
 * bar.begin(0, 10, 118);
 * bar.step(0, 64, 2.31, 0.11);
 * bar.end({ loss: 0.56, accuracy: 0.84, val_loss: 0.31, val_accuracy: 0.91 });
 * ```
 */
export class ProgressBar {
  readonly #output: Output;
  readonly #live: boolean;
  #epoch = 0;
  #epochs = 1;
  #total = 0;
  #done = 0;
  /** Steps already done when this epoch began (a run resumed mid-epoch). */
  #from = 0;
  #samples = 0;
  #lossSum = 0;
  #accuracySum = 0;
  #started = 0;
  /** When the last step ended: step times and throughput leave out the validation pass after it. */
  #lastStep = 0;
  #drawn = 0;

  constructor(output: Output) {
    this.#output = output;
    this.#live = output.isTTY === true;
  }

  begin(epoch: number, epochs: number, total: number, done = 0): void {
    this.#epoch = epoch;
    this.#epochs = epochs;
    this.#total = total;
    this.#done = done;
    this.#from = done;
    this.#samples = 0;
    this.#lossSum = 0;
    this.#accuracySum = 0;
    this.#started = performance.now();
    this.#lastStep = this.#started;
    this.#drawn = 0;
    if (this.#live) {
      this.#output.write(`Epoch ${epoch + 1}/${epochs}${done > 0 ? ` (resumed at step ${done + 1})` : ""}\n`);
      this.#draw();
    }
  }

  /** After step `index` (from 0) of the epoch, over `size` samples, with that batch's loss and accuracy. */
  step(index: number, size: number, loss: number, accuracy: number): void {
    this.#done = index + 1;
    this.#samples += size;
    this.#lossSum += loss * size;
    this.#accuracySum += accuracy * size;
    const now = performance.now();
    this.#lastStep = now;
    if (this.#live && (now - this.#drawn >= REDRAW_MS || this.#done === this.#total)) {
      this.#drawn = now;
      this.#draw();
    }
  }

  /** The epoch's closing line, with its logs (loss, accuracy, val_loss, val_accuracy). */
  end(logs: Readonly<Record<string, number>>): void {
    const seconds = this.#seconds();
    const perStep = (this.#lastStep - this.#started) / Math.max(1, this.#done - this.#from);
    const line = `${this.#counter()} ${drawBar(this.#done, this.#total, BAR)} ${formatDuration(seconds)} ${perStep.toFixed(0)}ms/step${formatMetrics(logs)} - ${this.#rate()} samples/s`;
    this.#output.write(this.#live ? `\r\x1b[K${line}\n` : `Epoch ${this.#epoch + 1}/${this.#epochs} ${line}\n`);
  }

  /** Ends a bar cut short (Ctrl-C) without its closing line. */
  interrupt(): void {
    if (this.#live) this.#output.write("\n");
  }

  #seconds(): number {
    return (performance.now() - this.#started) / 1000;
  }

  #counter(): string {
    const width = String(this.#total).length;
    return `${String(this.#done).padStart(width)}/${this.#total}`;
  }

  #rate(): string {
    const seconds = (this.#lastStep - this.#started) / 1000;
    return seconds > 0 ? Math.round(this.#samples / seconds).toString() : "–";
  }

  #draw(): void {
    const seconds = this.#seconds();
    const stepsRun = Math.max(1, this.#done - this.#from);
    const eta = this.#samples === 0 ? Number.NaN : (seconds / stepsRun) * (this.#total - this.#done);
    const running =
      this.#samples === 0 ? {} : { loss: this.#lossSum / this.#samples, accuracy: this.#accuracySum / this.#samples };
    const tail = ` ETA ${formatDuration(eta)}${formatMetrics(running)}${this.#samples === 0 ? "" : ` - ${this.#rate()} samples/s`}`;
    const columns = this.#output.columns ?? 100;
    const head = this.#counter();
    // The bar gives up cells first, so the line never wraps (a wrapped line cannot be redrawn in place); the
    // last columns stay free for the terminal's echo of a ^C.
    const room = columns - 3;
    const width = Math.max(10, Math.min(BAR, room - head.length - 3 - tail.length));
    let line = `${head} ${drawBar(this.#done, this.#total, width)}${tail}`;
    if (line.length > room) line = line.slice(0, room);
    this.#output.write(`\r\x1b[K${line}`);
  }
}
