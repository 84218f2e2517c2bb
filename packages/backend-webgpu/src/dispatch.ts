import { BackendError } from "@neurite/tensor-core";

/**
 * Workgroup grids. WebGPU caps each dimension of a dispatch at `maxComputeWorkgroupsPerDimension` (65535 on
 * most devices), so a 1-D job of more workgroups than that is laid out on a 2-D grid and every shader
 * rebuilds its linear workgroup index as `id.x + id.y · grid.x`. The grid may hold a few more workgroups
 * than asked for; shaders bound-check their work, so the extra ones exit at once.
 */
export function workgroupGrid(workgroups: number, maxPerDimension: number): [number, number] {
  if (workgroups <= maxPerDimension) return [workgroups, 1];
  const y = Math.ceil(workgroups / maxPerDimension);
  if (y > maxPerDimension) {
    throw new BackendError({ op: "dispatch" }, `${workgroups} workgroups exceed the ${maxPerDimension}² grid this device allows; split the tensor`);
  }
  return [Math.ceil(workgroups / y), y];
}
