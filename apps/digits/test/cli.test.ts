// The built CLI, run as a person would: a child process with small settings, its exit status and its output
// (a pipe, so the non-terminal form: one line per epoch).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface Run {
  readonly done: Promise<Result>;
  /** Resolves when `text` has appeared on stdout (or stderr). */
  seen(text: string): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

let dir = "";

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env } });
  let stdout = "";
  let stderr = "";
  const waiting: { text: string; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiting]) {
      if (stdout.includes(w.text) || stderr.includes(w.text)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    check();
  });
  const done = new Promise<Result>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    done,
    seen: (text) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ text, resolve });
        check();
        void done.then((r) => reject(new Error(`the CLI ended (${r.code ?? r.signal}) before printing ${JSON.stringify(text)}:\n${r.stdout}\n${r.stderr}`)));
      }),
    kill: (signal) => child.kill(signal),
  };
}

const cli = (args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Result> => start(args, env).done;

/** The test-set row of the accuracy table: `test  1500  0.4321  87.53%`. */
function testRow(stdout: string): { loss: number; accuracy: number } {
  const match = /^test\s+1500\s+(\d+\.\d{4})\s+(\d+\.\d{2})%$/m.exec(stdout);
  if (match === null) throw new Error(`no test row in:\n${stdout}`);
  return { loss: Number(match[1]), accuracy: Number(match[2]) / 100 };
}

const EPOCH_LINE = /^Epoch (\d+)\/(\d+) +(\d+)\/(\d+) \[=+\] [\d.ms]+ \d+ms\/step - loss: (\d+\.\d{4}) - accuracy: (\d\.\d{4}) - val_loss: \d+\.\d{4} - val_accuracy: (\d\.\d{4}) - \d+ samples\/s$/gm;

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the app first (turbo's test task does)`);
  dir = await mkdtemp(join(tmpdir(), "neurite-digits-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the command line", () => {
  it("--help prints the usage and exits 0", async () => {
    const { code, stdout } = await cli(["--help"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: neurite-digits \[options\]/);
    for (const flag of ["--backend", "--model", "--optimizer", "--lr", "--epochs", "--batch-size", "--mode", "--dropout", "--l2", "--seed", "--resume", "--help"]) {
      expect(stdout).toContain(flag);
    }
  });

  // Every value check has a unit test beside args.ts; these go through the whole program.
  it.each([
    [["--bogus"], "Unknown option '--bogus'"],
    [["--model", "rnn"], '--model must be one of mlp, cnn; got "rnn"'],
    [["--lr=-0.1"], '--lr must be a positive number; got "-0.1"'],
    [["--mode", "batch", "--batch-size", "8"], "--batch-size applies to --mode minibatch only"],
  ])("%j is refused with exit status 2, the reason and the usage", async (args, reason) => {
    const { code, stdout, stderr } = await cli(args);
    expect(code).toBe(2);
    expect(stderr).toContain(reason);
    expect(stderr).toContain("Usage: neurite-digits [options]");
    expect(stdout).toBe("");
  });
});

describe("a training run", () => {
  let straight: Result;

  beforeAll(async () => {
    straight = await cli(["--limit", "384", "--epochs", "2", "--checkpoint", "straight.ckpt"]);
  });

  it("prints one progress line per epoch, then the report, and saves the checkpoint", () => {
    const { code, stdout, stderr } = straight;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).not.toContain("\r");
    const epochs = [...stdout.matchAll(EPOCH_LINE)];
    expect(epochs.map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ["1", "2", "6", "6"],
      ["2", "2", "6", "6"],
    ]);
    // Six steps of Adam on 384 digits bring the training loss down from about ln 10 ≈ 2.3.
    expect(Number(epochs[1]![5])).toBeLessThan(Number(epochs[0]![5]));
    expect(stdout).toMatch(/^train\s+384\s+\d+\.\d{4}\s+\d+\.\d{2}%$/m);
    expect(stdout).toMatch(/^validation\s+1000\s+\d+\.\d{4}\s+\d+\.\d{2}%$/m);
    expect(testRow(stdout).accuracy).toBeGreaterThan(0.5);
    expect(stdout).toContain("Loss (train and validation");
    expect(stdout).toMatch(/┼|┤/);
    // The confusion matrix counts every test digit once, and its diagonal is the test accuracy.
    const rows = [...stdout.matchAll(/^ {8}(\d)((?: +(?:\d+|·)){10}) +(\d+\.\d)%$/gm)].map((m) => m[2]!.trim().split(/ +/).map((c) => (c === "·" ? 0 : Number(c))));
    expect(rows).toHaveLength(10);
    expect(rows.flat().reduce((a, b) => a + b, 0)).toBe(1500);
    const diagonal = rows.reduce((sum, row, t) => sum + row[t]!, 0);
    expect(diagonal / 1500).toBeCloseTo(testRow(stdout).accuracy, 4);
    expect(stdout.match(/^said \d \d+\.\d%/gm)?.length ?? 0).toBeGreaterThan(0);
    expect(stdout).toMatch(/[▀▄█]{3}/);
    expect(existsSync(join(dir, "straight.ckpt"))).toBe(true);
  });

  it("a run resumed from its epoch-1 checkpoint ends exactly where the straight run did", async () => {
    const first = await cli(["--limit", "384", "--epochs", "1", "--checkpoint", "halves.ckpt"]);
    expect(first.code).toBe(0);
    const second = await cli(["--resume", "halves.ckpt", "--epochs", "2"]);
    expect(second.stderr).toBe("");
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("Resuming halves.ckpt at epoch 2 of 2");
    expect([...second.stdout.matchAll(EPOCH_LINE)].map((m) => m[1])).toEqual(["2"]);
    expect(testRow(second.stdout)).toEqual(testRow(straight.stdout));
    // Both curves cover both epochs: the first came from the checkpoint.
    expect(second.stdout).toMatch(/epoch 1 +epoch 2/);
  });

  it("resuming a finished run trains nothing and reports the saved model's own numbers", async () => {
    const { code, stdout } = await cli(["--resume", "straight.ckpt"]);
    expect(code).toBe(0);
    expect(stdout).toContain("straight.ckpt has finished its 2 epochs; pass a larger --epochs to go on");
    expect(stdout).not.toMatch(/^Epoch/m);
    expect(stdout).not.toContain("Saved");
    expect(testRow(stdout)).toEqual(testRow(straight.stdout));
  });

  it("a resumed run refuses a flag that contradicts its checkpoint", async () => {
    const { code, stderr } = await cli(["--resume", "straight.ckpt", "--lr", "0.5"]);
    expect(code).toBe(2);
    expect(stderr).toContain("--lr 0.5 differs from straight.ckpt's 0.002");
  });

  it("a corrupted checkpoint is refused with the reason and exit status 1, and left as it was", async () => {
    const bytes = await readFile(join(dir, "straight.ckpt"));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x5a;
    await writeFile(join(dir, "corrupted.ckpt"), bytes);
    const { code, stdout, stderr } = await cli(["--resume", "corrupted.ckpt"]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^neurite-digits: checkpoint corrupted\.ckpt: checksum mismatch .*the file is corrupted/m);
    expect(stdout).not.toContain("Epoch");
    expect(await readFile(join(dir, "corrupted.ckpt"))).toEqual(bytes);
  });

  it.each([
    ["not-a-checkpoint.ckpt", "This is a text file, long enough to hold a checkpoint's header, but it is not one.", "not a Neurite checkpoint"],
    ["truncated.ckpt", null, "truncated"],
  ])("%s is refused with the reason", async (name, content, reason) => {
    const bytes = content === null ? (await readFile(join(dir, "straight.ckpt"))).subarray(0, 100) : Buffer.from(content);
    await writeFile(join(dir, name), bytes);
    const { code, stderr } = await cli(["--resume", name]);
    expect(code).toBe(1);
    expect(stderr).toContain(`neurite-digits: checkpoint ${name}: `);
    expect(stderr).toContain(reason);
  });

  it("a missing checkpoint is refused with the reason", async () => {
    const { code, stderr } = await cli(["--resume", "nowhere.ckpt"]);
    expect(code).toBe(1);
    expect(stderr).toContain("neurite-digits: checkpoint nowhere.ckpt: cannot be read: ENOENT");
  });
});

describe("Ctrl-C", () => {
  it("stops after the current step, saves, and the run resumes from that step", async () => {
    // Stochastic gradient descent: 600 steps in the epoch, so the signal lands in the middle of it.
    const run = start(["--mode", "stochastic", "--limit", "600", "--epochs", "1", "--checkpoint", "stopped.ckpt"]);
    await run.seen("Neurite digits");
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.kill("SIGINT");
    const stopped = await run.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("Stopping after this step and saving stopped.ckpt");
    const match = /^Stopped after epoch 1, step (\d+); saved stopped\.ckpt\.$/m.exec(stopped.stdout);
    expect(match, stopped.stdout).not.toBeNull();
    const step = Number(match![1]);
    expect(step).toBeGreaterThan(0);
    expect(step).toBeLessThan(600);
    expect(stopped.stdout).toContain("Continue with: neurite-digits --resume stopped.ckpt");
    expect(stopped.stdout).not.toContain("Accuracy");

    const resumed = await cli(["--resume", "stopped.ckpt"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`Resuming stopped.ckpt at epoch 1 of 1, step ${step + 1}`);
    expect([...resumed.stdout.matchAll(EPOCH_LINE)].map((m) => [m[3], m[4]])).toEqual([["600", "600"]]);
    expect(testRow(resumed.stdout).accuracy).toBeGreaterThan(0.5);
  }, 90_000);

  it("a second Ctrl-C ends the process at once, even when both come during one long step", async () => {
    // The CNN in batch mode: its first step is a second or more of computing, so both presses are waiting
    // when it ends.
    const run = start(["--model", "cnn", "--mode", "batch", "--limit", "500", "--epochs", "3", "--checkpoint", "twice.ckpt"]);
    await run.seen("Neurite digits");
    run.kill("SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 50));
    run.kill("SIGINT");
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(result.stdout).not.toContain("Stopped after");
    expect(existsSync(join(dir, "twice.ckpt"))).toBe(false);
  }, 90_000);
});

describe("the webgpu backend", () => {
  it("trains on Dawn (SwiftShader without a GPU) to the CPU's result", async () => {
    // Dawn wants a private runtime folder; without one it only warns.
    const runtime = await mkdtemp(join(tmpdir(), "neurite-xdg-"));
    await chmod(runtime, 0o700);
    const env = { VK_ICD_FILENAMES: process.env.VK_ICD_FILENAMES ?? "/usr/lib/chromium/vk_swiftshader_icd.json", XDG_RUNTIME_DIR: runtime };
    const args = ["--limit", "128", "--epochs", "1"];
    const [gpu, cpu] = await Promise.all([
      cli(["--backend", "webgpu", ...args, "--checkpoint", "gpu.ckpt"], env),
      cli(["--backend", "cpu", ...args, "--checkpoint", "cpu.ckpt"]),
    ]);
    await rm(runtime, { recursive: true, force: true });
    expect(gpu.stderr).toBe("");
    expect(gpu.code).toBe(0);
    expect(gpu.stdout).toContain("on webgpu");
    expect([...gpu.stdout.matchAll(EPOCH_LINE)]).toHaveLength(1);
    // The same seeded weights, order and dropout masks: only float32 rounding differs.
    const [onGpu, onCpu] = [testRow(gpu.stdout), testRow(cpu.stdout)];
    expect(onCpu.accuracy).toBeGreaterThan(0.15);
    expect(Math.abs(onGpu.accuracy - onCpu.accuracy)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(onGpu.loss - onCpu.loss)).toBeLessThan(0.002);
  }, 120_000);
});
