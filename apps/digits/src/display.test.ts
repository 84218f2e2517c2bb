// The report's pieces: the confusion matrix, the digit drawings and the resampled curves.
import { describe, expect, it } from "vitest";
import { confusionMatrix, formatConfusion } from "./confusion.js";
import { drawCurves, resample } from "./curves.js";
import { drawDigit, drawDigits } from "./glyphs.js";

describe("confusionMatrix", () => {
  it("counts each (true, said) pair", () => {
    const counts = confusionMatrix([0, 1, 1, 2, 2, 2], [0, 1, 2, 2, 2, 0], 3);
    expect(counts).toEqual([
      [1, 0, 0],
      [0, 1, 1],
      [1, 0, 2],
    ]);
    const text = formatConfusion(counts, false).split("\n");
    expect(text[0]).toBe("true\\said  0  1  2   recall");
    expect(text[2]).toBe("        1  ·  1  1    50.0%");
    expect(text[3]).toBe("        2  1  ·  2    66.7%");
  });
});

describe("drawDigit", () => {
  it("puts two pixels in each character, inside MNIST's 4-pixel margin", () => {
    const image = new Float32Array(28 * 28);
    for (let row = 4; row < 24; row++) image[row * 28 + 10] = 1; // a full-height stroke in column 10
    image[5 * 28 + 12] = 0.9; // a lone pixel on an odd row: a lower half block
    const lines = drawDigit(image);
    expect(lines).toHaveLength(10);
    expect(lines.every((l) => l.length === 20)).toBe(true);
    expect(lines.every((l) => l[6] === "█")).toBe(true);
    expect(lines[0]![8]).toBe("▄");
    expect(lines.join("").replace(/[ █]/g, "")).toBe("▄");
  });

  it("captions each digit with what the model said, and the truth when it was wrong", () => {
    const pixels = new Float32Array(784);
    const text = drawDigits([{ pixels, label: 3, predicted: 3, probability: 0.987 }, { pixels, label: 5, predicted: 6, probability: 0.51 }], 80);
    expect(text).toContain("said 3 98.7%");
    expect(text).toContain("said 6 51.0%");
    expect(text).toMatch(/right +wrong: a 5/);
  });
});

describe("curves", () => {
  it("resample keeps the epochs' values at the ends and draws straight lines between", () => {
    expect(resample([1, 3], 5)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(resample([2, 0, 4], 5)).toEqual([2, 1, 0, 2, 4]);
    expect(resample([7], 3)).toEqual([7, 7, 7]);
  });

  it("drawCurves charts the loss and the accuracy from epoch 1 to the last", () => {
    const text = drawCurves([{ loss: 1, accuracy: 0.5, val_loss: 1.1, val_accuracy: 0.45 }, { loss: 0.5, accuracy: 0.8, val_loss: 0.6, val_accuracy: 0.75 }], false, 30);
    expect(text).toMatch(/^Loss \(train and validation/);
    expect(text).toContain("\nAccuracy (train and validation");
    expect(text).toContain("1.100");
    expect(text).toContain("0.450");
    expect(text).toMatch(/epoch 1 +epoch 2/);
  });
});
