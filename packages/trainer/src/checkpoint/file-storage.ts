import { access, readFile } from "node:fs/promises";
import type { CheckpointStorage } from "../callbacks/storage.js";
import { saveCheckpointFile } from "./file.js";

/** Checkpoints in a file, written atomically (a crash mid-save leaves the previous checkpoint intact). */
export function fileStorage(path: string): CheckpointStorage {
  return {
    save: (bytes) => saveCheckpointFile(path, bytes),
    async load() {
      try {
        await access(path);
      } catch {
        return null;
      }
      return new Uint8Array(await readFile(path));
    },
  };
}
