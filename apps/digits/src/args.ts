// The command line: Node's util.parseArgs for the syntax, then a check of every value, so a mistake is named
// before any work starts.
import { parseArgs } from "node:util";

export const MODELS = ["mlp", "cnn"] as const;
export const BACKENDS = ["cpu", "webgpu"] as const;
export const OPTIMIZERS = ["adam", "adamw", "sgd", "rmsprop", "adagrad", "adadelta"] as const;
export const MODES = ["minibatch", "batch", "stochastic"] as const;

export type ModelName = (typeof MODELS)[number];
export type BackendName = (typeof BACKENDS)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ModeName = (typeof MODES)[number];

/** What a run is trained with: stored in the checkpoint, so a resumed run trains exactly the same way. */
export interface TrainingSettings {
  readonly model: ModelName;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly mode: ModeName;
  /** Samples per update (1 in stochastic mode, the whole training set in batch mode). */
  readonly batchSize: number | "all";
  readonly dropout: number;
  readonly l2: number;
  readonly seed: number;
  /** Train on the first `limit` training digits only (null: all of them). */
  readonly limit: number | null;
}

export interface Options {
  readonly settings: TrainingSettings;
  readonly backend: BackendName;
  /** Epochs in all, counting those of a resumed checkpoint; null when not given (the model's default, or the checkpoint's plan). */
  readonly epochs: number | null;
  readonly checkpoint: string;
  readonly resume: string | null;
  /** The training flags given on the command line (a resumed run refuses ones that differ from its file). */
  readonly given: ReadonlySet<keyof TrainingSettings>;
}

/** A mistake on the command line: printed with the usage, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Per-model defaults: both finish in about a minute on two cores (the CNN in a few). */
export const DEFAULTS = {
  mlp: { epochs: 10, lr: 0.002, dropout: 0.2 },
  cnn: { epochs: 6, lr: 0.003, dropout: 0.25 },
} as const satisfies Record<ModelName, { epochs: number; lr: number; dropout: number }>;

export const USAGE = `Usage: neurite-digits [options]

Trains a digit classifier on the mnist package's 10 000 handwritten digits (a seeded
train / validation / test split), then shows its accuracy, curves, confusion matrix and
a few test digits with what the model says they are.

Options:
  --model mlp|cnn        a dense network or a small convolutional one (default mlp)
  --backend cpu|webgpu   where the tensors live (default cpu; webgpu uses the \`webgpu\`
                         package: without a GPU set VK_ICD_FILENAMES to SwiftShader)
  --optimizer NAME       ${OPTIMIZERS.join(", ")} (default adam)
  --lr N                 learning rate (default ${DEFAULTS.mlp.lr} for mlp, ${DEFAULTS.cnn.lr} for cnn)
  --epochs N             passes over the training digits, in all (default ${DEFAULTS.mlp.epochs} mlp, ${DEFAULTS.cnn.epochs} cnn)
  --mode MODE            minibatch, batch (one update per epoch) or stochastic (one per
                         digit) gradient descent (default minibatch)
  --batch-size N         digits per update in minibatch mode (default 64)
  --dropout P            drop rate before the last layer, in [0, 1) (default ${DEFAULTS.mlp.dropout} mlp, ${DEFAULTS.cnn.dropout} cnn)
  --l2 L                 L2 weight penalty λ (default 0)
  --seed N               seeds the split, the weights, the order and dropout (default 1)
  --limit N              train on the first N training digits only (quick tries)
  --checkpoint FILE      where to save after every epoch (default digits-<model>.ckpt)
  --resume FILE          continue the run saved in FILE, with its settings
  -h, --help             print this help

Ctrl-C stops after the current step and saves the checkpoint; a second Ctrl-C quits at once.
`;

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(", ")}; got "${value}"`);
  }
  return value as T;
}

function number(flag: string, text: string, check: (n: number) => boolean, expected: string): number {
  const value = text.trim() === "" ? Number.NaN : Number(text);
  if (!Number.isFinite(value) || !check(value)) throw new UsageError(`--${flag} must be ${expected}; got "${text}"`);
  return value;
}

const positiveInteger = (n: number): boolean => Number.isInteger(n) && n >= 1;

/**
 * Parses the command line (without `node` and the script). Returns null for `--help`.
 *
 * ```ts
 * const options = parseOptions(["--model", "cnn", "--epochs", "3"]);
 * ```
 *
 * @throws UsageError naming the flag, what it expects and what it got.
 */
export function parseOptions(argv: readonly string[]): Options | null {
  let values;
  try {
    ({ values } = parseArgs({
      // `pnpm run demo -- --model cnn` hands on the `--` too; npm does not. Both mean the flags that follow.
      args: argv[0] === "--" ? argv.slice(1) : [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: "string" },
        backend: { type: "string" },
        optimizer: { type: "string" },
        lr: { type: "string" },
        epochs: { type: "string" },
        mode: { type: "string" },
        "batch-size": { type: "string" },
        dropout: { type: "string" },
        l2: { type: "string" },
        seed: { type: "string" },
        limit: { type: "string" },
        checkpoint: { type: "string" },
        resume: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '--foo'", "Option '--lr <value>' argument missing").
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return null;

  const model = oneOf("model", values.model ?? "mlp", MODELS);
  const defaults = DEFAULTS[model];
  const mode = oneOf("mode", values.mode ?? "minibatch", MODES);
  if (values["batch-size"] !== undefined && mode !== "minibatch") {
    throw new UsageError(`--batch-size applies to --mode minibatch only; --mode ${mode} uses ${mode === "batch" ? "the whole training set" : "one digit"} per update`);
  }
  const batchSize =
    mode === "batch" ? "all" : mode === "stochastic" ? 1 : number("batch-size", values["batch-size"] ?? "64", positiveInteger, "a positive integer");
  const settings: TrainingSettings = {
    model,
    optimizer: oneOf("optimizer", values.optimizer ?? "adam", OPTIMIZERS),
    lr: number("lr", values.lr ?? String(defaults.lr), (n) => n > 0, "a positive number"),
    mode,
    batchSize,
    dropout: number("dropout", values.dropout ?? String(defaults.dropout), (n) => n >= 0 && n < 1, "a rate in [0, 1)"),
    l2: number("l2", values.l2 ?? "0", (n) => n >= 0, "a number ≥ 0"),
    seed: number("seed", values.seed ?? "1", (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, "an integer in [0, 2³²)"),
    limit: values.limit === undefined ? null : number("limit", values.limit, positiveInteger, "a positive integer"),
  };
  const flagOf: Record<keyof TrainingSettings, string> = {
    model: "model",
    optimizer: "optimizer",
    lr: "lr",
    mode: "mode",
    batchSize: "batch-size",
    dropout: "dropout",
    l2: "l2",
    seed: "seed",
    limit: "limit",
  };
  const given = new Set((Object.keys(flagOf) as (keyof TrainingSettings)[]).filter((key) => values[flagOf[key] as keyof typeof values] !== undefined));
  return {
    settings,
    backend: oneOf("backend", values.backend ?? "cpu", BACKENDS),
    epochs: values.epochs === undefined ? null : number("epochs", values.epochs, positiveInteger, "a positive integer"),
    checkpoint: values.checkpoint ?? values.resume ?? `digits-${model}.ckpt`,
    resume: values.resume ?? null,
    given,
  };
}

/** The flag a setting comes from, for messages. */
export function flagName(key: keyof TrainingSettings): string {
  return key === "batchSize" ? "--batch-size" : `--${key}`;
}
