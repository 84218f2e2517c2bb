/**
 * Shape arithmetic the launchers share. Kernels index by strides held in a uniform buffer, so anything that
 * lowers the rank before a dispatch (tensor-core's `collapseAxes`: merging dims that are contiguous for every
 * operand, dropping size-1 dims) both shortens the index arithmetic in the shader and lets more calls share
 * one compiled pipeline.
 */
import { stridesOf } from "@neurite/tensor-core";

/** Whether `strides` walk `shape` contiguously (the operand can be read at the output's own index). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const own = stridesOf(shape);
  return strides.every((s, d) => s === own[d] || shape[d] === 1);
}
