import { EXTENT } from "./datasets.js";

/** Class 0 and class 1, as RGB: a warm orange and a cool blue that stay apart for colour-blind readers. */
const CLASS_COLOURS = [
  [232, 136, 44],
  [47, 111, 199],
] as const;
const NEUTRAL = [246, 246, 242] as const;

/** The heat-map colour of P(class 1) = p: the class colour, fading to neutral where the model is unsure. */
function shade(p: number): [number, number, number] {
  const strength = Math.min(1, Math.abs(p - 0.5) * 2) ** 0.8 * 0.75;
  const target = p >= 0.5 ? CLASS_COLOURS[1] : CLASS_COLOURS[0];
  return [0, 1, 2].map((c) => Math.round(NEUTRAL[c]! + (target[c]! - NEUTRAL[c]!) * strength)) as [number, number, number];
}

export interface Points {
  readonly x: Float32Array;
  readonly y: Float32Array;
}

/** The points drawn once into their own layer: they change only on a reset, the heat map every frame. */
const pointLayers = new WeakMap<Points, { width: number; layer: OffscreenCanvas }>();

function pointsLayer(train: Points, test: Points, width: number, height: number): OffscreenCanvas {
  const cached = pointLayers.get(train);
  if (cached?.width === width) return cached.layer;
  const layer = new OffscreenCanvas(width, height);
  const context = layer.getContext("2d")!;
  const toPixel = (v: number, extent: number): number => ((v + EXTENT) / (2 * EXTENT)) * extent;
  const radius = Math.max(3, width / 110);
  const drawPoints = (points: Points, hollow: boolean): void => {
    for (let i = 0; i < points.y.length; i++) {
      const px = toPixel(points.x[2 * i]!, width);
      const py = height - toPixel(points.x[2 * i + 1]!, height);
      const colour = `rgb(${CLASS_COLOURS[points.y[i]! >= 0.5 ? 1 : 0].join(",")})`;
      context.beginPath();
      context.arc(px, py, radius, 0, 2 * Math.PI);
      if (hollow) {
        context.fillStyle = "white";
        context.fill();
        context.lineWidth = radius * 0.7;
        context.strokeStyle = colour;
        context.stroke();
      } else {
        context.fillStyle = colour;
        context.fill();
        context.lineWidth = 1.2;
        context.strokeStyle = "white";
        context.stroke();
      }
    }
  };
  drawPoints(train, false);
  drawPoints(test, true);
  pointLayers.set(train, { width, layer });
  return layer;
}

/**
 * Draws the decision boundary — P(class 1) over the plane, a `size`² grid smoothed up to the canvas, fading
 * to white where the model is unsure — and the points on top: training points filled, test points as rings.
 */
export function drawPlane(canvas: HTMLCanvasElement, grid: Float32Array | null, size: number, points: { train: Points; test: Points } | null): void {
  const context = canvas.getContext("2d")!;
  const { width, height } = canvas;
  context.fillStyle = `rgb(${NEUTRAL.join(",")})`;
  context.fillRect(0, 0, width, height);
  if (grid !== null) {
    const cells = new ImageData(size, size);
    for (let i = 0; i < size * size; i++) {
      const [r, g, b] = shade(grid[i]!);
      cells.data.set([r, g, b, 255], 4 * i);
    }
    const small = new OffscreenCanvas(size, size);
    small.getContext("2d")!.putImageData(cells, 0, 0);
    // Bilinear smoothing is enough at this scale, and far cheaper than "high" where canvases are drawn in software.
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "low";
    context.drawImage(small, 0, 0, width, height);
  }
  if (points !== null) context.drawImage(pointsLayer(points.train, points.test, width, height), 0, 0);
}

export interface LossPoint {
  readonly step: number;
  readonly train: number;
  readonly test: number;
}

/** The loss curves: train loss solid, test loss dashed, over optimizer steps, with a few labelled ticks. */
export function drawLossChart(canvas: HTMLCanvasElement, history: readonly LossPoint[]): void {
  const context = canvas.getContext("2d")!;
  const ratio = canvas.width / canvas.clientWidth || 1;
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  const pad = { left: 40 * ratio, right: 10 * ratio, top: 10 * ratio, bottom: 22 * ratio };
  const finite = history.filter((p) => Number.isFinite(p.train) && Number.isFinite(p.test));
  const top = Math.max(0.1, ...finite.map((p) => Math.max(p.train, p.test))) * 1.05;
  const lastStep = Math.max(1, finite.at(-1)?.step ?? 1);
  const x = (step: number): number => pad.left + (step / lastStep) * (width - pad.left - pad.right);
  const y = (loss: number): number => pad.top + (1 - loss / top) * (height - pad.top - pad.bottom);
  context.font = `${11 * ratio}px system-ui, sans-serif`;
  context.fillStyle = "#5b6270";
  context.strokeStyle = "#e3e5ea";
  context.lineWidth = ratio;
  context.textAlign = "right";
  context.textBaseline = "middle";
  for (const fraction of [0, 0.5, 1]) {
    const value = top * fraction;
    context.beginPath();
    context.moveTo(pad.left, y(value));
    context.lineTo(width - pad.right, y(value));
    context.stroke();
    context.fillText(value.toFixed(2), pad.left - 6 * ratio, y(value));
  }
  context.textAlign = "center";
  context.textBaseline = "top";
  context.fillText("0", x(0), height - pad.bottom + 6 * ratio);
  context.textAlign = "right";
  const steps = finite.at(-1)?.step ?? 0;
  context.fillText(`${steps} step${steps === 1 ? "" : "s"}`, width - pad.right, height - pad.bottom + 6 * ratio);
  const line = (pick: (p: LossPoint) => number, colour: string, dash: number[]): void => {
    context.beginPath();
    finite.forEach((p, i) => {
      if (i === 0) context.moveTo(x(p.step), y(pick(p)));
      else context.lineTo(x(p.step), y(pick(p)));
    });
    context.setLineDash(dash.map((d) => d * ratio));
    context.strokeStyle = colour;
    context.lineWidth = 2 * ratio;
    context.stroke();
    context.setLineDash([]);
  };
  line((p) => p.test, "#9aa3b2", [5, 4]);
  line((p) => p.train, "#1f2937", []);
}
