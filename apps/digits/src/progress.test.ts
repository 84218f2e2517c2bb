import { describe, expect, it } from "vitest";
import { drawBar, formatDuration, ProgressBar, type Output } from "./progress.js";

function recorder(isTTY: boolean, columns = 100): Output & { readonly text: string } {
  let text = "";
  return {
    isTTY,
    columns,
    write(chunk: string) {
      text += chunk;
    },
    get text() {
      return text;
    },
  };
}

describe("drawBar", () => {
  it("fills in proportion, with the arrow at the front", () => {
    expect(drawBar(0, 4, 8)).toBe("[>.......]");
    expect(drawBar(1, 4, 8)).toBe("[==>.....]");
    expect(drawBar(3, 4, 8)).toBe("[======>.]");
    expect(drawBar(4, 4, 8)).toBe("[========]");
  });
});

describe("formatDuration", () => {
  it("stays short", () => {
    expect(formatDuration(0.84)).toBe("0.8s");
    expect(formatDuration(42.4)).toBe("42s");
    expect(formatDuration(185)).toBe("3m05s");
    expect(formatDuration(3720)).toBe("1h02m");
    expect(formatDuration(Number.NaN)).toBe("?");
  });
});

describe("ProgressBar", () => {
  it("on a terminal redraws one line in place, with the running loss and accuracy, then closes it", () => {
    const out = recorder(true, 120);
    const bar = new ProgressBar(out);
    bar.begin(0, 3, 2);
    bar.step(0, 64, 2.0, 0.25);
    bar.step(1, 32, 1.0, 0.5);
    bar.end({ loss: 1.5, accuracy: 0.3, val_loss: 1.2, val_accuracy: 0.6 });
    const [header, ...rest] = out.text.split("\n");
    expect(header).toBe("Epoch 1/3");
    const redraws = rest[0]!.split("\r\x1b[K").filter((s) => s !== "");
    // The first draw before any step, then the last step (drawn whatever the time), then the closing line.
    expect(redraws[0]).toMatch(/^0\/2 \[>\.+\] ETA \?$/);
    expect(redraws.at(-2)).toMatch(/^2\/2 \[=+\] ETA 0\.0s - loss: 1\.6667 - accuracy: 0\.3333 - \d+ samples\/s$/);
    expect(redraws.at(-1)).toMatch(/^2\/2 \[={30}\] [\d.]+s \d+ms\/step - loss: 1\.5000 - accuracy: 0\.3000 - val_loss: 1\.2000 - val_accuracy: 0\.6000 - \d+ samples\/s$/);
    for (const line of redraws.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(117);
  });

  it("shrinks the bar rather than wrap on a narrow terminal", () => {
    const out = recorder(true, 60);
    const bar = new ProgressBar(out);
    bar.begin(0, 1, 100);
    bar.step(99, 64, 0.1234, 0.9876);
    const last = out.text.split("\r\x1b[K").at(-1)!;
    expect(last.length).toBeLessThanOrEqual(57);
    expect(last).toMatch(/^100\/100 \[=+\]/);
  });

  it("elsewhere prints one line per epoch and nothing per step", () => {
    const out = recorder(false);
    const bar = new ProgressBar(out);
    bar.begin(1, 3, 2, 1);
    bar.step(1, 10, 0.5, 1);
    bar.end({ loss: 0.5, accuracy: 1 });
    expect(out.text).toMatch(/^Epoch 2\/3 2\/2 \[={30}\] [\d.]+s \d+ms\/step - loss: 0\.5000 - accuracy: 1\.0000 - \d+ samples\/s\n$/);
  });
});
