import type { Module } from "@neurite/layers";
import type { Optimizer, OptimizerState } from "@neurite/optimizers";
import { tidy, type Tensor } from "@neurite/tensor-core";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, toTensors, type JsonValue } from "./format.js";

const MODEL = "model/";
const OPTIMIZER = "optimizer/";

/** What a training checkpoint records besides the tensors. */
export interface CheckpointMeta {
  readonly epoch?: number;
  readonly metrics?: Readonly<Record<string, number>>;
  readonly [key: string]: JsonValue | undefined;
}

/**
 * Serializes a model's state dict (parameters and buffers) and, optionally, an optimizer's state (step count,
 * learning rate, moments) into one checkpoint.
 */
export async function saveTraining(model: Module, optimizer: Optimizer | null, meta: CheckpointMeta = {}): Promise<Uint8Array> {
  // A step count still on the device (after guarded steps) is read first.
  await optimizer?.settle();
  const tensors: Record<string, Tensor> = {};
  const state = model.stateDict();
  const optimizerState = optimizer?.state();
  try {
    for (const [name, t] of Object.entries(state)) tensors[MODEL + name] = t;
    for (const [param, slots] of Object.entries(optimizerState?.slots ?? {})) {
      for (const [slot, t] of Object.entries(slots)) tensors[`${OPTIMIZER}${param}/${slot}`] = t;
    }
    const optimizerMeta =
      optimizerState === undefined ? null : { name: optimizerState.name, iterations: optimizerState.iterations, learningRate: optimizerState.learningRate };
    return await encodeCheckpoint(tensors, { ...meta, optimizer: optimizerMeta });
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/**
 * Restores a checkpoint written by `saveTraining` into `model` (and `optimizer`). Everything is verified
 * first — the file itself, then every name and shape against the model (a checkpoint of another architecture
 * is refused, naming the tensor) — so a refused checkpoint changes nothing. Returns the checkpoint's meta.
 */
export function loadTraining(bytes: Uint8Array, model: Module, optimizer: Optimizer | null = null, source = "checkpoint"): CheckpointMeta {
  const decoded = decodeCheckpoint(bytes, source);
  const meta = (decoded.meta ?? {}) as CheckpointMeta & { optimizer?: { name: string; iterations: number; learningRate: number } | null };
  tidy(() => {
    const tensors = toTensors(decoded);
    const modelState = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(MODEL)).map(([k, t]) => [k.slice(MODEL.length), t]));
    try {
      model.loadStateDict(modelState);
    } catch (error) {
      throw new CheckpointError(source, `does not fit the model: ${(error as Error).message}`);
    }
    if (optimizer === null) return;
    const saved = meta.optimizer;
    if (saved === null || saved === undefined) throw new CheckpointError(source, "holds no optimizer state, but an optimizer was given to restore");
    const slots: Record<string, Record<string, Tensor>> = {};
    for (const [key, t] of Object.entries(tensors)) {
      if (!key.startsWith(OPTIMIZER)) continue;
      const rest = key.slice(OPTIMIZER.length);
      const cut = rest.lastIndexOf("/");
      (slots[rest.slice(0, cut)] ??= {})[rest.slice(cut + 1)] = t;
    }
    const state: OptimizerState = { name: saved.name, iterations: saved.iterations, learningRate: saved.learningRate, slots };
    try {
      optimizer.loadState(state);
    } catch (error) {
      throw new CheckpointError(source, `does not fit the optimizer: ${(error as Error).message}`);
    }
  });
  return meta;
}
