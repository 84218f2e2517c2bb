/**
 * The page's MNIST asset: a compact copy of the `mnist` package's digits, made at build time (see
 * build/mnist-asset.ts). All integers little-endian.
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 4 | magic `NDG1` |
 * | 4 | 4 | image count N (u32) |
 * | 8 | N | labels, one byte each (0 … 9) |
 * | 8 + N | N·784 | pixels, one byte each (0 … 255), image after image, row by row |
 */
export const DIGITS_MAGIC = "NDG1";
export const SIDE = 28;
export const PIXELS = SIDE * SIDE;
export const DIGITS_ASSET = "mnist-digits.bin";

/** Packs labelled 28×28 images with pixels in [0, 1] into the asset's bytes. */
export function encodeDigits(labels: readonly number[], pixels: ArrayLike<number>): Uint8Array {
  const n = labels.length;
  const bytes = new Uint8Array(8 + n + n * PIXELS);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) bytes[i] = DIGITS_MAGIC.charCodeAt(i);
  view.setUint32(4, n, true);
  bytes.set(labels, 8);
  for (let i = 0; i < n * PIXELS; i++) bytes[8 + n + i] = Math.round(Math.min(1, Math.max(0, pixels[i]!)) * 255);
  return bytes;
}

/** Reads the asset back: labels and pixels as float32 in [0, 1]. Refuses bytes that are not one, saying where. */
export function decodeDigits(bytes: Uint8Array): { labels: Float32Array; pixels: Float32Array } {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (bytes.length < 8 || magic !== DIGITS_MAGIC) throw new Error(`${DIGITS_ASSET}: expected the magic "${DIGITS_MAGIC}" at byte 0, got ${JSON.stringify(magic)}`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  const expected = 8 + n + n * PIXELS;
  if (bytes.length !== expected) throw new Error(`${DIGITS_ASSET}: ${n} images need ${expected} bytes, the file has ${bytes.length}`);
  const labels = Float32Array.from(bytes.subarray(8, 8 + n));
  const bad = labels.findIndex((l) => l > 9);
  if (bad >= 0) throw new Error(`${DIGITS_ASSET}: label ${labels[bad]} at byte ${8 + bad} is not a digit`);
  const raw = bytes.subarray(8 + n);
  const pixels = new Float32Array(n * PIXELS);
  for (let i = 0; i < pixels.length; i++) pixels[i] = raw[i]! / 255;
  return { labels, pixels };
}
