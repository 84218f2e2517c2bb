import type { Module } from "@neurite/layers";
import type { Optimizer, OptimizerState } from "@neurite/optimizers";
import { tidy, type Tensor, type Variable } from "@neurite/tensor-core";
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
 * before anything is written — the file itself, the optimizer part (its kind, step count, slot names and
 * shapes against the model's parameters), then every name and shape against the model (a checkpoint of
 * another architecture is refused, naming the tensor) — so a refused checkpoint changes nothing. Returns the
 * checkpoint's meta.
 *
 * ```ts
 * const [model, optimizer, storage] = [sequential([dense(2, 1)]), sgd(), memoryStorage()];
 * await storage.save(await saveTraining(model, optimizer));
 * const meta = loadTraining((await storage.load())!, model, optimizer);
 * ```
 */
export function loadTraining(bytes: Uint8Array, model: Module, optimizer: Optimizer | null = null, source = "checkpoint"): CheckpointMeta {
  const decoded = decodeCheckpoint(bytes, source);
  const meta = (decoded.meta ?? {}) as CheckpointMeta & { optimizer?: unknown };
  // The tensors go to the backend the model lives on, so a model on another backend than the current one loads.
  const backend = Object.values(model.namedParameters())[0]?.value.backend;
  tidy(() => {
    const tensors = toTensors(decoded, backend);
    const modelState = Object.fromEntries(Object.entries(tensors).filter(([k]) => k.startsWith(MODEL)).map(([k, t]) => [k.slice(MODEL.length), t]));
    const optimizerState = optimizer === null ? null : savedOptimizerState(source, meta.optimizer, tensors);
    if (optimizer !== null) {
      try {
        optimizer.validateState(optimizerState!, trainableParameters(model));
      } catch (error) {
        throw new CheckpointError(source, `does not fit the optimizer: ${(error as Error).message}`);
      }
    }
    try {
      model.loadStateDict(modelState);
    } catch (error) {
      throw new CheckpointError(source, `does not fit the model: ${(error as Error).message}`);
    }
    // Checked above; nothing here can refuse any more.
    if (optimizer !== null) optimizer.loadState(optimizerState!);
  });
  return meta;
}

/** The optimizer part of a checkpoint, refused when there is none or its record is malformed. */
function savedOptimizerState(source: string, saved: unknown, tensors: Readonly<Record<string, Tensor>>): OptimizerState {
  if (saved === null || saved === undefined) throw new CheckpointError(source, "holds no optimizer state, but an optimizer was given to restore");
  const record = saved as Partial<Record<"name" | "iterations" | "learningRate", unknown>>;
  if (typeof saved !== "object" || typeof record.name !== "string" || typeof record.iterations !== "number" || typeof record.learningRate !== "number") {
    throw new CheckpointError(source, `has a malformed optimizer record ${JSON.stringify(saved)}; expected { name, iterations, learningRate }`);
  }
  const slots: Record<string, Record<string, Tensor>> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (!key.startsWith(OPTIMIZER)) continue;
    const rest = key.slice(OPTIMIZER.length);
    const cut = rest.lastIndexOf("/");
    (slots[rest.slice(0, cut)] ??= {})[rest.slice(cut + 1)] = t;
  }
  return { name: record.name, iterations: record.iterations, learningRate: record.learningRate, slots };
}

function trainableParameters(model: Module): Record<string, Variable> {
  return Object.fromEntries(Object.entries(model.namedParameters()).filter(([, v]) => v.trainable));
}
