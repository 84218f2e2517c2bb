import { open, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CheckpointError, decodeCheckpoint, type DecodedCheckpoint } from "./format.js";

/**
 * Writes checkpoint bytes to `path` atomically: the bytes go to a temporary file in the same folder, which is
 * flushed to disk and then renamed over `path` (a rename within one file system replaces the file in one
 * step), and the folder is flushed so the rename itself survives a power cut. A crash at any point leaves
 * either the previous checkpoint or the new one, never a torn file.
 */
export async function saveCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await open(temporary, "w");
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (error) {
    await file.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const folder = await open(dirname(path), "r");
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/** Reads and verifies a checkpoint file; errors name the file and the byte offset. */
export async function loadCheckpointFile(path: string): Promise<DecodedCheckpoint> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new CheckpointError(path, `cannot read the file: ${(error as Error).message}`);
  }
  return decodeCheckpoint(bytes, path);
}
