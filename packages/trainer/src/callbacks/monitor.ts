import { ArgumentError } from "@neurite/tensor-core";
import type { Logs } from "./callback.js";

/** Which logged number a callback watches and which direction is better. */
export interface Monitor {
  readonly name: string;
  readonly mode: "min" | "max";
}

/** "auto" picks "max" for accuracies and "min" for everything else (losses, errors). */
export function resolveMonitor(op: string, name: string, mode: "min" | "max" | "auto" = "auto"): Monitor {
  if (!(["auto", "min", "max"] as unknown[]).includes(mode)) {
    throw new ArgumentError({ op, argument: "mode" }, `expected "min", "max" or "auto", got ${JSON.stringify(mode)}`);
  }
  return { name, mode: mode === "auto" ? (/acc/i.test(name) ? "max" : "min") : mode };
}

/** The monitored value from an epoch's logs; a clear error when it was never logged. */
export function read(op: string, monitor: Monitor, logs: Logs): number {
  const value = logs[monitor.name];
  if (value === undefined) {
    throw new ArgumentError(
      { op, argument: "monitor" },
      `'${monitor.name}' is not logged; the logs hold ${Object.keys(logs).join(", ") || "nothing"} (val_… needs validation data)`,
    );
  }
  return value;
}

/** Whether `value` beats `best` by more than `minDelta`. */
export function improves(monitor: Monitor, value: number, best: number | null, minDelta: number): boolean {
  if (best === null) return Number.isFinite(value);
  return monitor.mode === "min" ? value < best - minDelta : value > best + minDelta;
}
