// The run's checkpoint: the trainer's format (model and optimizer state, checksummed, written atomically)
// with the run's settings and progress in its metadata, so `--resume` knows what to build and where to go on.
import { readFile } from "node:fs/promises";
import type { Module } from "@neurite/layers";
import type { Optimizer } from "@neurite/optimizers";
import { CheckpointError, decodeCheckpoint, loadTraining, saveTraining, type JsonValue, type Logs } from "@neurite/trainer";
import { saveCheckpointFile } from "@neurite/trainer/node";
import { MODELS, MODES, OPTIMIZERS, type TrainingSettings } from "./args.js";

const APP = "neurite-digits";
const VERSION = 1;

/** Sums over the steps of an epoch that was cut short, to finish its averages after a resume. */
export interface PartialEpoch {
  readonly samples: number;
  readonly lossSum: number;
  readonly accuracySum: number;
}

/** Where a run stands: what `--resume` continues from. */
export interface RunState {
  readonly settings: TrainingSettings;
  /** Epochs planned in all. */
  readonly epochs: number;
  /** Epochs finished. */
  readonly completed: number;
  /** Steps done in epoch `completed` (0 unless the run was stopped mid-epoch). */
  readonly step: number;
  readonly partial: PartialEpoch | null;
  /** The logs of each finished epoch. */
  readonly history: readonly Logs[];
}

/** Writes `state` with the model's and optimizer's tensors to `path`, atomically. */
export async function saveRun(path: string, model: Module, optimizer: Optimizer, state: RunState): Promise<void> {
  const meta = { app: APP, version: VERSION, epoch: state.completed, ...(JSON.parse(JSON.stringify(state)) as Record<string, JsonValue>) };
  const bytes = await saveTraining(model, optimizer, meta);
  try {
    await saveCheckpointFile(path, bytes);
  } catch (error) {
    throw new CheckpointError(path, `cannot be written: ${(error as Error).message}`);
  }
}

/** A checkpoint read back: its state (for building the model) and its bytes (for {@link restoreRun}). */
export interface SavedRun {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly state: RunState;
}

function refuse(path: string, reason: string): never {
  throw new CheckpointError(path, reason);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkSettings(path: string, value: unknown): TrainingSettings {
  if (!isRecord(value)) refuse(path, "has no training settings in its metadata; it was not written by neurite-digits");
  const s = value;
  const member = (key: string, allowed: readonly string[]): void => {
    if (!allowed.includes(s[key] as string)) refuse(path, `its settings hold ${key} ${JSON.stringify(s[key])}; expected one of ${allowed.join(", ")}`);
  };
  member("model", MODELS);
  member("optimizer", OPTIMIZERS);
  member("mode", MODES);
  for (const key of ["lr", "dropout", "l2", "seed"]) {
    if (typeof s[key] !== "number" || !Number.isFinite(s[key])) refuse(path, `its settings hold ${key} ${JSON.stringify(s[key])}; expected a number`);
  }
  if (s.batchSize !== "all" && !(Number.isInteger(s.batchSize) && (s.batchSize as number) >= 1)) refuse(path, `its settings hold batchSize ${JSON.stringify(s.batchSize)}`);
  if (s.limit !== null && !(Number.isInteger(s.limit) && (s.limit as number) >= 1)) refuse(path, `its settings hold limit ${JSON.stringify(s.limit)}`);
  return s as unknown as TrainingSettings;
}

/**
 * Reads and verifies a checkpoint file written by {@link saveRun}: the bytes (magic number, version,
 * checksums) and the run's metadata.
 *
 * @throws CheckpointError naming the file and the reason (a missing file, a torn or corrupted one, a
 * checkpoint of some other program).
 */
export async function readRun(path: string): Promise<SavedRun> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot be read: ${(error as Error).message}`);
  }
  const meta = decodeCheckpoint(bytes, path).meta;
  if (!isRecord(meta) || meta.app !== APP) refuse(path, "is a Neurite checkpoint, but not one written by neurite-digits (it holds no run settings), so there is no run to resume");
  if (meta.version !== VERSION) refuse(path, `holds run metadata version ${JSON.stringify(meta.version)}; this neurite-digits reads version ${VERSION}`);
  const settings = checkSettings(path, meta.settings);
  const count = (key: string): number => {
    const v = meta[key];
    if (!Number.isInteger(v) || (v as number) < 0) refuse(path, `its metadata holds ${key} ${JSON.stringify(v)}; expected a whole number`);
    return v as number;
  };
  const history = meta.history;
  if (!Array.isArray(history) || !history.every(isRecord)) refuse(path, "its metadata has no epoch history");
  const partial = meta.partial;
  if (partial !== null && !isRecord(partial)) refuse(path, "its metadata holds a malformed partial epoch");
  return {
    path,
    bytes,
    state: {
      settings,
      epochs: count("epochs"),
      completed: count("completed"),
      step: count("step"),
      partial: partial as PartialEpoch | null,
      history: history as Logs[],
    },
  };
}

/** Loads the saved tensors into `model` and `optimizer`; a checkpoint that does not fit them is refused. */
export function restoreRun(saved: SavedRun, model: Module, optimizer: Optimizer): void {
  loadTraining(saved.bytes, model, optimizer, saved.path);
}
