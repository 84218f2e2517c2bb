/**
 * @neurite/trainer — `fit`, `evaluate` and `predict` with the course notes' three kinds of gradient descent,
 * callbacks (early stopping, checkpoints, progress, learning-rate schedules), and the checkpoint format.
 * Node-only file checkpoints live in "@neurite/trainer/node".
 */
export { fit, type FitOptions, type History } from "./fit.js";
export { evaluate, predict, type EvaluateOptions, type Metric } from "./evaluate.js";
export { type Mode, type TrainingData } from "./data.js";
export { TrainingError } from "./errors.js";
export type { BatchLogs, Callback, Logs, TrainingContext } from "./callbacks/callback.js";
export { checkpoint, type CheckpointOptions } from "./callbacks/checkpoint.js";
export { earlyStopping, type EarlyStoppingOptions } from "./callbacks/early-stopping.js";
export { formatLogs, progress, progressBar, type ProgressEvent } from "./callbacks/progress.js";
export { learningRateSchedule, reduceLrOnPlateau } from "./callbacks/schedule.js";
export { memoryStorage, type CheckpointStorage } from "./callbacks/storage.js";
export { indexedDbStorage, type IndexedDbStorageOptions } from "./checkpoint/indexeddb-storage.js";
export { loadTraining, saveTraining, type CheckpointMeta } from "./checkpoint/model.js";
export {
  CHECKPOINT_VERSION,
  CheckpointError,
  MAX_HEADER_BYTES,
  decodeCheckpoint,
  encodeCheckpoint,
  toTensors,
  type DecodedCheckpoint,
  type JsonValue,
  type StoredTensor,
} from "./checkpoint/format.js";
