import { open, readdir, readFile, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { CheckpointError, decodeCheckpoint, type DecodedCheckpoint } from "./format.js";

/** A temporary file untouched for this long belongs to no save still running, whatever its process id says. */
const STALE_MS = 60 * 60 * 1000;

/**
 * Writes checkpoint bytes to `path` atomically: the bytes go to a temporary file in the same folder, which is
 * flushed to disk and then renamed over `path` (a rename within one file system replaces the file in one
 * step), and the folder is flushed so the rename itself survives a power cut. A crash at any point leaves
 * either the previous checkpoint or the new one, never a torn file. The temporary files a killed save left
 * for `path` are removed first (see `removeOrphans`). File-system errors are CheckpointErrors naming the path.
 *
 * ```ts
 * import { mkdtemp } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const [model, optimizer] = [sequential([dense(2, 1)]), sgd()];
 * const folder = await mkdtemp(join(tmpdir(), "runs-"));
 * await saveCheckpointFile(join(folder, "model.nrt"), await saveTraining(model, optimizer));
 * ```
 */
export async function saveCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  await removeOrphans(path);
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const file = await fsStep(path, "cannot create a temporary file next to it", () => open(temporary, "w"));
  try {
    await fsStep(path, "cannot write the file", async () => {
      await file.writeFile(bytes);
      await file.sync();
    });
  } catch (error) {
    await file.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await file.close();
  try {
    await fsStep(path, "cannot move the new checkpoint into place", () => rename(temporary, path));
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  const folder = await fsStep(path, "cannot open its folder to flush it", () => open(dirname(path), "r"));
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Removes the temporary files of earlier saves to `path` that can no longer finish: those of a process that
 * is gone (killed mid-save), and any untouched for an hour. A save still running — in this process or
 * another live one — keeps its file.
 */
export async function removeOrphans(path: string): Promise<string[]> {
  const folder = dirname(path);
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return []; // a folder that cannot be listed fails at the write, with its own message
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (match === null) continue;
    const file = join(folder, name);
    const pid = Number(match[1]);
    const age = await stat(file).then((s) => Date.now() - s.mtimeMs, () => null);
    if (age === null) continue;
    if (age < STALE_MS && isAlive(pid)) continue;
    await unlink(file).then(() => removed.push(file), () => undefined);
  }
  return removed;
}

/** Whether a process with this id exists (EPERM: it does, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Runs one file-system step; its error becomes a CheckpointError naming the checkpoint's path (the fs error is the cause). */
async function fsStep<T>(path: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const wrapped = new CheckpointError(path, `${what}: ${(error as Error).message}`);
    wrapped.cause = error;
    throw wrapped;
  }
}

/** Reads and verifies a checkpoint file; errors name the file and the byte offset. */
export async function loadCheckpointFile(path: string): Promise<DecodedCheckpoint> {
  const bytes = await readCheckpointBytes(path);
  return decodeCheckpoint(bytes, path);
}

/** The bytes of a checkpoint file; a file-system error is a CheckpointError naming the path. */
export async function readCheckpointBytes(path: string): Promise<Uint8Array> {
  return new Uint8Array(await fsStep(path, "cannot read the file", () => readFile(path)));
}
