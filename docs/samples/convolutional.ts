// A small convolutional network learns to read digits. The digits are drawn here, in a seven-segment style on
// a 12×12 grid with random shifts, stroke gaps and noise, so the sample needs no download; in Node,
// loadMnist() from "@neurite/data-loaders/mnist" gives the real handwritten set in the same [N, H, W, 1] form.
import { print, table } from "@docs/output";
import { conv2d, dense, flatten, maxPool2d, relu, sequential, summary } from "@neurite/layers";
import { categoricalAccuracy, categoricalCrossEntropy } from "@neurite/losses";
import { adam } from "@neurite/optimizers";
import { tensor, type Tensor } from "@neurite/tensor-core";
import { evaluate, fit } from "@neurite/trainer";

const SIDE = 12;
// Segments a–g of each digit, each a stroke from (row, col) to (row, col) on a 9×5 box.
const STROKES: Record<string, [number, number, number, number]> = { a: [0, 0, 0, 4], b: [0, 4, 4, 4], c: [4, 4, 8, 4], d: [8, 0, 8, 4], e: [4, 0, 8, 0], f: [0, 0, 4, 0], g: [4, 0, 4, 4] };
const DIGITS = ["abcdef", "bc", "abdeg", "abcdg", "bcfg", "acdfg", "acdefg", "abc", "abcdefg", "abcdfg"];

let seed = 12345;
const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

function draw(digit: number): number[] {
  const image = new Array<number>(SIDE * SIDE).fill(0);
  const [dr, dc] = [Math.floor(random() * 3), Math.floor(random() * 6)];
  for (const segment of DIGITS[digit]!) {
    const [r0, c0, r1, c1] = STROKES[segment]!;
    for (let t = 0; t <= 8; t++) {
      if (random() < 0.1) continue; // a gap in the stroke
      const r = Math.round(r0 + ((r1 - r0) * t) / 8) + dr + 1;
      const c = Math.round(c0 + ((c1 - c0) * t) / 8) + dc + 1;
      image[r * SIDE + c] = 1;
    }
  }
  return image.map((v) => Math.min(1, v + random() * 0.3)); // background noise
}

function digits(n: number): { x: number[][]; y: number[] } {
  const y = Array.from({ length: n }, (_, i) => i % 10);
  return { x: y.map(draw), y };
}
// Images as [N, 12, 12, 1] (channels last), labels one-hot.
const toDataset = ({ x, y }: { x: number[][]; y: number[] }) => ({
  x: tensor(x).reshape([-1, SIDE, SIDE, 1]),
  y: tensor(y.map((d) => Array.from({ length: 10 }, (_, k) => (k === d ? 1 : 0)))),
});
const train = toDataset(digits(400));
const test = toDataset(digits(200));

const model = sequential([
  conv2d(1, 8, 3, { seed: 1 }), relu(), maxPool2d(2), // 12×12 → 10×10×8 → 5×5×8
  flatten(), dense(5 * 5 * 8, 10, { seed: 2 }),
]);
await print(summary(model, [SIDE, SIDE, 1]).text);

// The last layer is linear: the loss takes logits.
const loss = (logits: Tensor, labels: Tensor): Tensor => categoricalCrossEntropy(logits, labels, { fromLogits: true });
await fit(model, train, {
  loss,
  optimizer: adam({ lr: 0.01 }),
  epochs: 8,
  batchSize: 32,
  seed: 3,
  metrics: { accuracy: categoricalAccuracy },
  callbacks: [{ onEpochEnd: async (epoch, logs) => { await print(`epoch ${epoch + 1}: loss ${logs.loss!.toFixed(3)}, accuracy ${(logs.accuracy! * 100).toFixed(1)}%`); } }],
});
const { accuracy } = await evaluate(model, test, { loss, metrics: { accuracy: categoricalAccuracy } });
await print(`test accuracy on 200 new digits: ${(accuracy! * 100).toFixed(1)}%`);
table(DIGITS.map((segments, digit) => ({ digit, segments })));
