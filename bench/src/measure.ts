import { readFileSync } from "node:fs";

/**
 * Timing with a witness: every figure comes with how much CPU the rest of the machine used while it was
 * taken, read from /proc/stat (all cores' busy time) minus this process's own CPU time. On a shared machine
 * a figure taken while others were busy is visibly contaminated instead of silently slow.
 */

/** Clock ticks per second of /proc/stat (USER_HZ, 100 on every Linux this runs on). */
const USER_HZ = 100;

interface CpuMark {
  readonly busySeconds: number | null;
  readonly ownSeconds: number;
  readonly wall: number;
}

function busySeconds(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    // cpu user nice system idle iowait irq softirq steal …: busy = everything but idle and iowait.
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return (total - fields[3]! - (fields[4] ?? 0)) / USER_HZ;
  } catch {
    return null;
  }
}

export function mark(): CpuMark {
  const own = process.cpuUsage();
  return { busySeconds: busySeconds(), ownSeconds: (own.user + own.system) / 1e6, wall: performance.now() / 1e3 };
}

/**
 * Cores' worth of CPU that other processes used between two marks (0.5 = half a core on average), or null
 * without /proc/stat. Child processes this benchmark started count as "other" unless `childSeconds` says how
 * much of the time was theirs.
 */
export function othersCores(from: CpuMark, to: CpuMark, childSeconds = 0): number | null {
  if (from.busySeconds === null || to.busySeconds === null) return null;
  const wall = to.wall - from.wall;
  if (wall <= 0) return null;
  const others = to.busySeconds - from.busySeconds - (to.ownSeconds - from.ownSeconds) - childSeconds;
  return Math.max(0, others / wall);
}

/** min / median / max of a list of figures. */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}
