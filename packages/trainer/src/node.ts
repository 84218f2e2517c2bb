/**
 * @neurite/trainer/node — Node-only pieces: checkpoint files written atomically.
 */
export { loadCheckpointFile, saveCheckpointFile } from "./checkpoint/file.js";
export { fileStorage } from "./checkpoint/file-storage.js";
