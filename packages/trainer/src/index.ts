/**
 * @neurite/trainer — fit, evaluate and predict, callbacks, and the checkpoint format.
 */
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
