import { PIXELS, SIDE } from "./format.js";

/** Stroke width on the 280-pixel pad: about MNIST's pen on a digit drawn two thirds of the pad's height. */
const PEN = 26;
/** MNIST digits fit a 20 × 20 box, centred by their centre of mass in the 28 × 28 image. */
const BOX = 20;
const KEY_STEP = 12;

/**
 * The drawing pad: pointer strokes (mouse, finger, pen) or arrow keys draw ink; `pixels()` turns the
 * drawing into an MNIST-style input (the ink's bounding box scaled into 20 × 20, then moved so its centre of
 * mass sits at the centre of 28 × 28), which is what the model was trained on.
 */
export class DigitPad {
  readonly canvas: HTMLCanvasElement;
  readonly #onChange: () => void;
  readonly #onStroke: () => void;
  #last: { x: number; y: number } | null = null;
  #cursor = { x: 140, y: 70 };
  #empty = true;

  /** `onChange` runs when a stroke ends or a key draws; `onStroke` while a stroke is being drawn. */
  constructor(canvas: HTMLCanvasElement, onChange: () => void, onStroke: () => void) {
    this.canvas = canvas;
    this.#onChange = onChange;
    this.#onStroke = onStroke;
    const context = this.#context();
    context.lineCap = "round";
    context.lineJoin = "round";
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.#last = this.#point(event);
      this.#line(this.#last, this.#last);
      event.preventDefault();
    });
    canvas.addEventListener("pointermove", (event) => {
      if (this.#last === null) return;
      const next = this.#point(event);
      this.#line(this.#last, next);
      this.#last = next;
      this.#onStroke();
    });
    const end = (): void => {
      if (this.#last === null) return;
      this.#last = null;
      this.#onChange();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("keydown", (event) => {
      const moves: Record<string, [number, number]> = { ArrowUp: [0, -1], ArrowDown: [0, 1], ArrowLeft: [-1, 0], ArrowRight: [1, 0] };
      const move = moves[event.key];
      if (move !== undefined) {
        const next = {
          x: Math.min(canvas.width - 10, Math.max(10, this.#cursor.x + move[0] * KEY_STEP)),
          y: Math.min(canvas.height - 10, Math.max(10, this.#cursor.y + move[1] * KEY_STEP)),
        };
        this.#line(this.#cursor, next);
        this.#cursor = next;
        this.#onChange();
      } else if (event.key === "Delete" || event.key === "Backspace") {
        this.clear();
        this.#onChange();
      } else {
        return;
      }
      event.preventDefault();
    });
  }

  get empty(): boolean {
    return this.#empty;
  }

  clear(): void {
    this.#context().clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.#empty = true;
    this.#cursor = { x: 140, y: 70 };
  }

  /** Shows a 28 × 28 image (values in [0, 1]) on the pad, as if it had been drawn there. */
  show(pixels: Float32Array): void {
    const image = new ImageData(SIDE, SIDE);
    for (let i = 0; i < PIXELS; i++) image.data.set([17, 24, 39, Math.round(pixels[i]! * 255)], 4 * i);
    const small = new OffscreenCanvas(SIDE, SIDE);
    small.getContext("2d")!.putImageData(image, 0, 0);
    this.clear();
    const context = this.#context();
    context.imageSmoothingEnabled = true;
    context.drawImage(small, 0, 0, this.canvas.width, this.canvas.height);
    this.#empty = false;
  }

  /** The drawing as the model's input: 784 values in [0, 1], or null while the pad is empty. */
  pixels(): Float32Array | null {
    if (this.#empty) return null;
    const { width, height } = this.canvas;
    const ink = this.#context().getImageData(0, 0, width, height).data;
    let [left, top, right, bottom] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (ink[4 * (y * width + x) + 3]! > 25) {
          left = Math.min(left, x);
          right = Math.max(right, x);
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
        }
      }
    }
    if (right < 0) return null;
    const w = right - left + 1;
    const h = bottom - top + 1;
    const scale = BOX / Math.max(w, h);
    // First into the 20 × 20 box at the centre, then shifted so the centre of mass is at (14, 14).
    const boxed = render(this.canvas, left, top, w, h, (SIDE - w * scale) / 2, (SIDE - h * scale) / 2, w * scale, h * scale);
    let [mass, mx, my] = [0, 0, 0];
    for (let i = 0; i < PIXELS; i++) {
      mass += boxed[i]!;
      mx += boxed[i]! * (i % SIDE);
      my += boxed[i]! * Math.floor(i / SIDE);
    }
    if (mass === 0) return boxed;
    const dx = SIDE / 2 - 0.5 - mx / mass;
    const dy = SIDE / 2 - 0.5 - my / mass;
    return render(this.canvas, left, top, w, h, (SIDE - w * scale) / 2 + dx, (SIDE - h * scale) / 2 + dy, w * scale, h * scale);
  }

  #context(): CanvasRenderingContext2D {
    return this.canvas.getContext("2d", { willReadFrequently: true })!;
  }

  #point(event: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - rect.left) / rect.width) * this.canvas.width, y: ((event.clientY - rect.top) / rect.height) * this.canvas.height };
  }

  #line(from: { x: number; y: number }, to: { x: number; y: number }): void {
    const context = this.#context();
    context.strokeStyle = "#111827";
    context.lineWidth = PEN;
    context.lineCap = "round";
    context.beginPath();
    context.moveTo(from.x, from.y);
    context.lineTo(to.x, to.y);
    context.stroke();
    this.#empty = false;
  }
}

/** Draws a rectangle of `source` into a 28 × 28 image and returns its ink (alpha) in [0, 1]. */
function render(source: HTMLCanvasElement, sx: number, sy: number, sw: number, sh: number, dx: number, dy: number, dw: number, dh: number): Float32Array {
  const small = new OffscreenCanvas(SIDE, SIDE);
  const context = small.getContext("2d", { willReadFrequently: true })!;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "high";
  context.drawImage(source, sx, sy, sw, sh, dx, dy, dw, dh);
  const data = context.getImageData(0, 0, SIDE, SIDE).data;
  const out = new Float32Array(PIXELS);
  for (let i = 0; i < PIXELS; i++) out[i] = data[4 * i + 3]! / 255;
  return out;
}
