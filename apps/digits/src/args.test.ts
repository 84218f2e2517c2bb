import { describe, expect, it } from "vitest";
import { parseOptions, UsageError } from "./args.js";

function refusal(argv: readonly string[]): string {
  try {
    parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe("parseOptions", () => {
  it("gives the MLP defaults, and the CNN its own", () => {
    const mlp = parseOptions([])!;
    expect(mlp.settings).toEqual({ model: "mlp", optimizer: "adam", lr: 0.002, mode: "minibatch", batchSize: 64, dropout: 0.2, l2: 0, seed: 1, limit: null });
    expect(mlp).toMatchObject({ backend: "cpu", epochs: null, checkpoint: "digits-mlp.ckpt", resume: null });
    expect(mlp.given.size).toBe(0);
    const cnn = parseOptions(["--model", "cnn"])!;
    expect(cnn.settings).toMatchObject({ model: "cnn", lr: 0.003, dropout: 0.25 });
    expect(cnn.checkpoint).toBe("digits-cnn.ckpt");
    expect([...cnn.given]).toEqual(["model"]);
  });

  it("reads every flag", () => {
    const options = parseOptions([
      "--backend", "webgpu", "--model", "cnn", "--optimizer", "sgd", "--lr", "0.05", "--epochs", "3", "--batch-size", "16",
      "--dropout", "0", "--l2", "1e-4", "--seed", "9", "--limit", "100", "--checkpoint", "a.ckpt",
    ])!;
    expect(options.settings).toEqual({ model: "cnn", optimizer: "sgd", lr: 0.05, mode: "minibatch", batchSize: 16, dropout: 0, l2: 1e-4, seed: 9, limit: 100 });
    expect(options).toMatchObject({ backend: "webgpu", epochs: 3, checkpoint: "a.ckpt" });
  });

  it("fixes the batch size of batch and stochastic gradient descent", () => {
    expect(parseOptions(["--mode", "batch"])!.settings.batchSize).toBe("all");
    expect(parseOptions(["--mode", "stochastic"])!.settings.batchSize).toBe(1);
  });

  it("saves a resumed run back to its own file unless told otherwise", () => {
    expect(parseOptions(["--resume", "run.ckpt"])!.checkpoint).toBe("run.ckpt");
    expect(parseOptions(["--resume", "run.ckpt", "--checkpoint", "next.ckpt"])!.checkpoint).toBe("next.ckpt");
  });

  it("takes a leading -- (as pnpm passes it on) to mean the flags after it", () => {
    expect(parseOptions(["--", "--model", "cnn"])!.settings.model).toBe("cnn");
  });

  it("returns null for --help and -h", () => {
    expect(parseOptions(["--help"])).toBeNull();
    expect(parseOptions(["-h", "--model", "cnn"])).toBeNull();
  });

  it.each([
    [["--backend", "tpu"], '--backend must be one of cpu, webgpu; got "tpu"'],
    [["--optimizer", "lbfgs"], '--optimizer must be one of adam, adamw, sgd, rmsprop, adagrad, adadelta; got "lbfgs"'],
    [["--mode", "online"], '--mode must be one of minibatch, batch, stochastic; got "online"'],
    [["--lr", "0"], '--lr must be a positive number; got "0"'],
    [["--lr", "fast"], '--lr must be a positive number; got "fast"'],
    [["--lr", ""], '--lr must be a positive number; got ""'],
    [["--epochs", "2.5"], '--epochs must be a positive integer; got "2.5"'],
    [["--epochs", "0"], '--epochs must be a positive integer; got "0"'],
    [["--batch-size", "0"], '--batch-size must be a positive integer; got "0"'],
    [["--mode", "stochastic", "--batch-size", "4"], "--batch-size applies to --mode minibatch only; --mode stochastic uses one digit per update"],
    [["--dropout", "1"], '--dropout must be a rate in [0, 1); got "1"'],
    [["--dropout=-0.1"], '--dropout must be a rate in [0, 1); got "-0.1"'],
    [["--l2", "abc"], '--l2 must be a number ≥ 0; got "abc"'],
    [["--seed=-3"], '--seed must be an integer in [0, 2³²); got "-3"'],
    [["--seed", "1.5"], '--seed must be an integer in [0, 2³²); got "1.5"'],
    [["--limit", "Infinity"], '--limit must be a positive integer; got "Infinity"'],
    [["--lr"], "Option '--lr <value>' argument missing"],
    [["--lr", "-1"], "Option '--lr' argument is ambiguous"],
    [["--help=yes"], "--help"],
    [["extra"], "Unexpected argument 'extra'"],
  ])("refuses %j, saying why", (argv, message) => {
    expect(refusal(argv)).toContain(message);
  });
});
