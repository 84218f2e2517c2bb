import { spawn, spawnSync } from "node:child_process";
import { watch } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpu } from "@neurite/backend-cpu";
import { randomNormal, setBackend } from "@neurite/tensor-core";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileStorage } from "./file-storage.js";
import { loadCheckpointFile, saveCheckpointFile } from "./file.js";
import { CheckpointError, encodeCheckpoint } from "./format.js";

let folder: string;

beforeAll(async () => {
  await setBackend(cpu());
  folder = await mkdtemp(join(tmpdir(), "neurite-checkpoint-"));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("checkpoint files", () => {
  it("saves and loads, leaving no temporary file behind", async () => {
    const path = join(folder, "plain.nrt");
    await saveCheckpointFile(path, await encodeCheckpoint({ w: randomNormal([4, 4], { seed: 1 }) }, { epoch: 1 }));
    const loaded = await loadCheckpointFile(path);
    expect(loaded.meta).toEqual({ epoch: 1 });
    expect(loaded.tensors.w!.shape).toEqual([4, 4]);
    expect((await readdir(folder)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("a missing file is a CheckpointError naming the path", async () => {
    const path = join(folder, "missing.nrt");
    await expect(loadCheckpointFile(path)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpointFile(path)).rejects.toThrow(path);
  });

  it("a process killed in the middle of a save leaves the last checkpoint loadable", async () => {
    // Two large, different checkpoints, so that a save takes long enough to be interrupted.
    const versions = [1, 2].map(async (seed) => encodeCheckpoint({ w: randomNormal([4096, 1024], { seed }) }, { version: seed }));
    const [first, second] = await Promise.all(versions);
    const paths = [join(folder, "first.bin"), join(folder, "second.bin")] as const;
    await writeFile(paths[0], first!);
    await writeFile(paths[1], second!);
    const script = join(folder, "save-loop.mjs");
    await build({
      entryPoints: [fileURLToPath(new URL("./testing/save-loop.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: script,
      // Bundle the workspace packages from their TypeScript sources: nothing needs to be built first.
      conditions: ["source"],
      logLevel: "silent",
    });
    const target = join(folder, "model.nrt");
    let interrupted = 0;
    for (let attempt = 0; attempt < 10 && interrupted < 2; attempt++) {
      const child = spawn(process.execPath, [script, target, ...paths], { stdio: ["ignore", "pipe", "inherit"] });
      let log = "";
      child.stdout.on("data", (chunk: Buffer) => {
        log += chunk.toString();
      });
      // Kill the moment a save's temporary file appears (after one complete save), i.e. in the middle of a save.
      const watcher = watch(folder, (_, name) => {
        if (name?.endsWith(".tmp") === true && log.includes("end 0")) child.kill("SIGKILL");
      });
      await new Promise<void>((resolve) => child.on("exit", () => {
        resolve();
      }));
      watcher.close();
      expect(log).toContain("end 0");
      const leftovers = (await readdir(folder)).filter((f) => f.endsWith(".tmp"));
      if (leftovers.length > 0) interrupted++;
      for (const f of leftovers) await rm(join(folder, f));
      // Whatever the moment of the kill, the checkpoint at the target path is complete and verified.
      const loaded = await loadCheckpointFile(target);
      expect([1, 2]).toContain((loaded.meta as { version: number }).version);
    }
    // At least two kills landed inside a save (a torn temporary file was left behind).
    expect(interrupted).toBe(2);
  }, 60_000);

  it("the next save removes the temporary files of killed saves, and keeps a live save's", async () => {
    const dir = join(folder, "orphans");
    await mkdir(dir);
    const path = join(dir, "model.nrt");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    const names = {
      killed: `.model.nrt.${dead}.1700000000000.tmp`,
      live: `.model.nrt.${process.pid}.${Date.now()}.tmp`,
      stale: `.model.nrt.${process.pid}.1600000000000.tmp`,
      otherCheckpoint: `.other.nrt.${dead}.1700000000000.tmp`,
      unrelated: "notes.tmp",
    };
    for (const name of Object.values(names)) await writeFile(join(dir, name), "partial");
    // Untouched for two hours: no save still runs that slowly.
    const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(join(dir, names.stale), old, old);
    await saveCheckpointFile(path, await encodeCheckpoint({ w: randomNormal([2], { seed: 1 }) }));
    expect((await readdir(dir)).sort()).toEqual([names.live, names.otherCheckpoint, "model.nrt", "notes.tmp"].sort());
  });

  it("file-system errors of saves and loads are CheckpointErrors naming the path, with the fs error as cause", async () => {
    const nowhere = join(folder, "no-such-folder", "model.nrt");
    const error: unknown = await saveCheckpointFile(nowhere, new Uint8Array(8)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toMatch(/^checkpoint \(argument '.*no-such-folder\/model\.nrt'\): cannot create a temporary file next to it: ENOENT/);
    expect(((error as Error).cause as NodeJS.ErrnoException).code).toBe("ENOENT");
    // fileStorage: no checkpoint yet is null; a path that is a folder is an error naming it.
    expect(await fileStorage(join(folder, "not-yet.nrt")).load()).toBeNull();
    const folderError: unknown = await fileStorage(folder).load().catch((e: unknown) => e);
    expect(folderError).toBeInstanceOf(CheckpointError);
    expect((folderError as Error).message).toContain("cannot read the file: EISDIR");
  });
});
