import { dense, lambda, relu, sequential, type Module } from "@neurite/layers";
import { CheckpointError, decodeCheckpoint, loadTraining, type CheckpointMeta } from "@neurite/trainer";
import { PIXELS } from "./format.js";

/** The network the "Train" button trains: 784 pixels → 128 ReLU neurons → 10 logits, one per digit. */
export function digitModel(seed = 3): Module {
  return sequential([dense(PIXELS, 128, { seed }), relu(), dense(128, 10, { seed: seed + 10 })]);
}

const DENSE_WEIGHT = /^model\/(\d+)\.weight$/;

/** A readable description of a model's layer widths, e.g. "784 → 128 → 10". */
export function describeWidths(widths: readonly number[]): string {
  return widths.join(" → ");
}

/**
 * Rebuilds the multi-layer perceptron a checkpoint of `apps/digits` (the trainer's format, `saveTraining`)
 * was saved from, and loads its weights. The architecture is read from the tensors themselves: the dense
 * layers `model/<i>.weight` ([in, out]) at their positions in the Sequential, ReLU right after every hidden
 * one, and the parameter-free layers in between (dropout, which does nothing at prediction time) as identity.
 * The checkpoint is verified first (checksum, names, shapes), so a damaged file or another kind of model is
 * refused with the reason.
 */
export function modelFromCheckpoint(bytes: Uint8Array, source: string): { model: Module; widths: number[]; meta: CheckpointMeta } {
  const decoded = decodeCheckpoint(bytes, source);
  const layers = Object.entries(decoded.tensors)
    .map(([name, t]) => ({ index: Number(DENSE_WEIGHT.exec(name)?.[1] ?? NaN), name, shape: t.shape }))
    .filter((l) => !Number.isNaN(l.index))
    .sort((a, b) => a.index - b.index);
  const notDense = layers.find((l) => l.shape.length !== 2);
  if (notDense !== undefined) {
    throw new CheckpointError(source, `holds ${notDense.name} of shape [${notDense.shape.join(", ")}]; the digit pad reads multi-layer perceptrons (dense layers only), e.g. apps/digits --model mlp`);
  }
  if (layers.length === 0) throw new CheckpointError(source, "holds no dense layer weights (model/<i>.weight); is it a checkpoint of a Sequential model?");
  const first = layers[0]!;
  const last = layers.at(-1)!;
  if (first.shape[0] !== PIXELS || last.shape[1] !== 10) {
    throw new CheckpointError(source, `maps ${first.shape[0]} inputs to ${last.shape[1]} outputs; a digit model maps ${PIXELS} pixels to 10 digits`);
  }
  const modules: Module[] = [];
  layers.forEach((layer, k) => {
    const previous = layers[k - 1];
    while (modules.length < layer.index) modules.push(previous !== undefined && modules.length === previous.index + 1 ? relu() : lambda((x) => x.clone(), "Identity"));
    modules.push(dense(layer.shape[0]!, layer.shape[1]!));
  });
  const model = sequential(modules);
  const meta = loadTraining(bytes, model, null, source);
  return { model, widths: [PIXELS, ...layers.map((l) => l.shape[1]!)], meta };
}
