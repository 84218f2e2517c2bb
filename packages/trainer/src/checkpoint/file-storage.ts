import type { CheckpointStorage } from "../callbacks/storage.js";
import { readCheckpointBytes, saveCheckpointFile } from "./file.js";

/**
 * Checkpoints in a file, written atomically (a crash mid-save leaves the previous checkpoint intact). `load`
 * answers null while no checkpoint was saved; any other file-system error is a CheckpointError naming the path.
 */
export function fileStorage(path: string): CheckpointStorage {
  return {
    save: (bytes) => saveCheckpointFile(path, bytes),
    async load() {
      try {
        return await readCheckpointBytes(path);
      } catch (error) {
        if ((error as Error).cause instanceof Error && ((error as Error).cause as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
  };
}
