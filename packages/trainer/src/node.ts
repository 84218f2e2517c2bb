/**
 * @neurite/trainer/node — Node-only pieces: checkpoint files written atomically.
 */
export { loadCheckpointFile, saveCheckpointFile } from "./checkpoint/file.js";
