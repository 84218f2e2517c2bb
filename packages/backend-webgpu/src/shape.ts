/**
 * Shape arithmetic the launchers share. Kernels index by strides held in a uniform buffer, so anything that
 * lowers the rank before a dispatch (merging dims that are contiguous for every operand, dropping size-1
 * dims) both shortens the index arithmetic in the shader and lets more calls share one compiled pipeline.
 */

/** Row-major strides of a contiguous tensor. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** Strides that read a contiguous `inShape` broadcast to `outShape`: 0 along repeated (or missing) dims. */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const own = contiguousStrides(inShape);
  const lead = outShape.length - inShape.length;
  return outShape.map((size, d) => {
    const i = d - lead;
    if (i < 0) return 0;
    return inShape[i] === 1 && size !== 1 ? 0 : own[i]!;
  });
}

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** A shape walked in row-major order with one stride set per operand. */
export interface Walk {
  readonly shape: number[];
  readonly strides: number[][];
}

/**
 * Drops size-1 dims and merges neighbours `d, d+1` whenever every operand steps over `d` exactly as far as
 * over all of `d+1` (`s[d] = s[d+1] · shape[d+1]`, which also holds for two broadcast dims, 0 = 0 · n).
 * The element order, and so every operand's offsets, are unchanged.
 */
export function collapse(shape: readonly number[], strides: readonly (readonly number[])[]): Walk {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strides.every((s, k) => outStrides[k]![last] === s[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strides.forEach((s, k) => (outStrides[k]![last] = s[d]!));
    } else {
      outShape.push(size);
      strides.forEach((s, k) => outStrides[k]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** Whether `strides` walk `shape` contiguously (the operand can be read at the output's own index). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const own = contiguousStrides(shape);
  return strides.every((s, d) => s === own[d] || shape[d] === 1);
}
