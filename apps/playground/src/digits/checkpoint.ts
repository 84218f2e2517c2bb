import { conv2d, dense, flatten, lambda, maxPool2d, sequential, type Module } from "@neurite/layers";
import { CheckpointError, decodeCheckpoint, loadTraining, type CheckpointMeta } from "@neurite/trainer";
import { PIXELS, SIDE } from "./format.js";

/** A digit model rebuilt from a checkpoint, ready to predict. */
export interface LoadedModel {
  readonly model: Module;
  /** The shape one drawn digit takes on its way in: [1, 784] for an MLP, [1, 28, 28, 1] for a CNN. */
  readonly inputShape: readonly number[];
  /** The layers in words, e.g. "MLP 784 → 128 → 10". */
  readonly summary: string;
  readonly meta: CheckpointMeta;
}

interface WeightLayer {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
}

const WEIGHT = /^model\/(\d+)\.weight$/;

/** What a Dropout layer does when predicting: nothing. */
const passThrough = (): Module => lambda((x) => x.clone(), "Dropout (inactive when predicting)");

/**
 * Rebuilds the digit classifier a checkpoint in the trainer's format (`saveTraining`, as `apps/digits`
 * writes it) was saved from, and loads its weights. The architecture is read from the weights themselves,
 * by their positions in the Sequential: `model/<i>.weight` of shape [in, out] is a dense layer, of shape
 * [kh, kw, in, out] a convolution. Hidden layers use ReLU; a convolution is followed by 2 × 2 max pooling and,
 * before the first dense layer, by a flatten; the other parameter-free positions are dropout, which does
 * nothing at prediction time. Widths are checked from layer to layer, and then `loadTraining` verifies the
 * file (checksum) and every name and shape, so a damaged file or another kind of model is refused with the
 * reason and nothing half-loaded.
 *
 * ```ts
 * const { model, inputShape, summary } = modelFromCheckpoint(new Uint8Array(await file.arrayBuffer()), file.name);
 * ```
 */
export function modelFromCheckpoint(bytes: Uint8Array, source: string): LoadedModel {
  const decoded = decodeCheckpoint(bytes, source);
  const layers: WeightLayer[] = Object.entries(decoded.tensors)
    .map(([name, t]) => ({ index: Number(WEIGHT.exec(name)?.[1] ?? NaN), name, shape: t.shape }))
    .filter((l) => !Number.isNaN(l.index))
    .sort((a, b) => a.index - b.index);
  const refuse = (reason: string): never => {
    throw new CheckpointError(source, reason);
  };
  if (layers.length === 0) refuse("holds no layer weights (model/<i>.weight); is it a checkpoint of a Sequential model?");
  const odd = layers.find((l) => l.shape.length !== 2 && l.shape.length !== 4);
  if (odd !== undefined) refuse(`holds ${odd.name} of shape [${odd.shape.join(", ")}], neither a dense layer's [in, out] nor a convolution's [kh, kw, in, out]`);
  const image = layers[0]!.shape.length === 4;
  // What flows between the layers: an image (side × side × channels) until the first dense layer, then features.
  let side = SIDE;
  let channels = 1;
  let features = image ? 0 : PIXELS;
  let flattened = !image;
  const modules: Module[] = [];
  const words: string[] = [];
  layers.forEach((layer, k) => {
    const previous = layers[k - 1];
    const isDense = layer.shape.length === 2;
    while (modules.length < layer.index) {
      const afterConv = previous !== undefined && previous.shape.length === 4;
      if (afterConv && modules.length === previous.index + 1) {
        modules.push(maxPool2d(2));
        side = Math.floor(side / 2);
      } else if (afterConv && isDense && !flattened) {
        modules.push(flatten());
        flattened = true;
        features = side * side * channels;
      } else {
        modules.push(passThrough());
      }
    }
    const last = k === layers.length - 1;
    const activation = last ? "linear" : "relu";
    if (isDense) {
      const [inputs, outputs] = layer.shape as [number, number];
      if (!flattened) refuse(`has the dense layer ${layer.name} right after a convolution, with no position left for a flatten`);
      if (inputs !== features) refuse(`has ${layer.name} taking ${inputs} inputs, but the layers before it give ${features}`);
      modules.push(dense(inputs, outputs, { activation }));
      words.push(String(outputs));
      features = outputs;
    } else {
      const [kh, kw, inputs, outputs] = layer.shape as [number, number, number, number];
      if (flattened) refuse(`has the convolution ${layer.name} after a dense layer`);
      if (inputs !== channels) refuse(`has ${layer.name} taking ${inputs} channels, but the layers before it give ${channels}`);
      modules.push(conv2d(inputs, outputs, [kh, kw], { activation }));
      side = side - kh + 1;
      channels = outputs;
      words.push(`${kh}×${kw} conv ×${outputs}`);
    }
  });
  if (features !== 10) refuse(`ends in ${features} outputs; a digit classifier ends in 10, one per digit`);
  const model = sequential(modules);
  const meta = loadTraining(bytes, model, null, source);
  model.eval();
  return {
    model,
    inputShape: image ? [1, SIDE, SIDE, 1] : [1, PIXELS],
    summary: image ? `CNN ${words.join(", ")}` : `MLP ${PIXELS} → ${words.join(" → ")}`,
    meta,
  };
}
