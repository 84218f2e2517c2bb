#!/usr/bin/env node
// neurite-digits: trains a digit classifier in the terminal. Exit status 0 when the run finished, 1 when it
// could not run (a refused checkpoint, no WebGPU adapter), 2 for a mistake on the command line, 130 when
// Ctrl-C stopped it (after saving).
import { summary } from "@neurite/layers";
import { CheckpointError } from "@neurite/trainer";
import { DEFAULTS, flagName, parseOptions, USAGE, UsageError, type Options, type TrainingSettings } from "./args.js";
import { BackendUnavailable, useBackend } from "./backend.js";
import { readRun, restoreRun, type RunState, type SavedRun } from "./checkpoint.js";
import { loadDigits } from "./data.js";
import { INTERRUPTED, listenForInterrupt } from "./interrupt.js";
import { buildModel } from "./models.js";
import { buildOptimizer } from "./optimizers.js";
import { ProgressBar } from "./progress.js";
import { report } from "./report.js";
import { train } from "./train.js";

const NAME = "neurite-digits";

/** A resumed run keeps the settings it was saved with; a flag that says otherwise is a mistake. */
function resumedSettings(options: Options, saved: SavedRun): TrainingSettings {
  const stored = saved.state.settings;
  for (const key of options.given) {
    if (options.settings[key] !== stored[key]) {
      throw new UsageError(
        `${flagName(key)} ${String(options.settings[key])} differs from ${saved.path}'s ${String(stored[key])}: a resumed run keeps the settings it was saved with (leave the flag out, or start a new run)`,
      );
    }
  }
  return stored;
}

function describe(settings: TrainingSettings): string {
  const batches = settings.mode === "minibatch" ? `mini-batches of ${settings.batchSize}` : settings.mode === "batch" ? "the whole set per update" : "one digit per update";
  const extras = [settings.dropout > 0 ? `dropout ${settings.dropout}` : null, settings.l2 > 0 ? `L2 ${settings.l2}` : null].filter((s) => s !== null);
  return [`${settings.optimizer} lr ${settings.lr}`, batches, ...extras, `seed ${settings.seed}`].join(" · ");
}

async function run(argv: readonly string[]): Promise<number> {
  const options = parseOptions(argv);
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  const saved = options.resume === null ? null : await readRun(options.resume);
  const settings = saved === null ? options.settings : resumedSettings(options, saved);
  const epochs = options.epochs ?? saved?.state.epochs ?? DEFAULTS[settings.model].epochs;
  const backend = await useBackend(options.backend);
  const digits = await loadDigits(settings.model, settings.seed, settings.limit);
  const model = buildModel(settings.model, settings.dropout, settings.seed);
  const optimizer = buildOptimizer(settings.optimizer, settings.lr);
  if (saved !== null) restoreRun(saved, model, optimizer);
  const start: RunState = saved?.state ?? { settings, epochs, completed: 0, step: 0, partial: null, history: [] };

  // Listening before the first line is printed: whoever sees that line may press Ctrl-C.
  const interrupt = listenForInterrupt(() => process.stderr.write(`\nStopping after this step and saving ${options.checkpoint} (press Ctrl-C again to quit at once)\n`));
  const weights = summary(model, settings.model === "cnn" ? [28, 28, 1] : [784]).totalParameters;
  const out = process.stdout;
  out.write(`Neurite digits: ${settings.model.toUpperCase()} (${weights.toLocaleString("en-US")} weights) on ${backend}\n`);
  out.write(`${digits.train.length} training, ${digits.validation.length} validation and ${digits.test.length} test digits\n${describe(settings)}\n`);
  if (saved !== null) {
    const where = `epoch ${start.completed + 1} of ${epochs}${start.step > 0 ? `, step ${start.step + 1}` : ""}`;
    out.write(start.completed < epochs ? `Resuming ${saved.path} at ${where}\n` : `${saved.path} has finished its ${start.completed} epochs; pass a larger --epochs to go on\n`);
  }
  out.write("\n");

  let outcome;
  try {
    outcome = await train({ model, optimizer, settings, ...digits, epochs, checkpoint: options.checkpoint, bar: new ProgressBar(out), interrupt }, start);
  } finally {
    interrupt.dispose();
  }
  const { state } = outcome;
  if (outcome.interrupted) {
    const where = state.step > 0 ? `epoch ${state.completed + 1}, step ${state.step}` : `epoch ${state.completed}`;
    out.write(`Stopped after ${where}; saved ${options.checkpoint}.\nContinue with: ${NAME} --resume ${options.checkpoint}\n`);
    return INTERRUPTED;
  }
  if (state.completed > start.completed || state.step !== start.step) out.write(`Saved ${options.checkpoint}\n`);
  out.write("\n");
  // out.columns is only there on a terminal, whatever its type says.
  const color = out.isTTY && process.env.NO_COLOR === undefined;
  const { text } = await report(model, digits, state.history, { color, columns: out.isTTY ? out.columns : 80 });
  out.write(`${text}\n`);
  return 0;
}

try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${NAME}: ${error.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else if (error instanceof CheckpointError) {
    // The trainer's message starts with where it comes from; the file is named here already.
    const prefix = `checkpoint (argument '${error.source}'): `;
    const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    process.stderr.write(`${NAME}: checkpoint ${error.source}: ${reason}\n`);
    process.exitCode = 1;
  } else if (error instanceof BackendUnavailable) {
    process.stderr.write(`${NAME}: ${error.message}\n`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
// Dawn's device keeps the event loop alive; the run is over.
process.exit();
