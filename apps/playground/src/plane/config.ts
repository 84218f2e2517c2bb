/**
 * What the person picks in the playground: the data, the network and how it is trained. One plain object,
 * so that it crosses to the training worker as it is and a reset rebuilds the model from it alone.
 */

/** The course notes' six activations, by the names `@neurite/layers` gives them. */
export const ACTIVATIONS = ["relu", "leakyRelu", "tanh", "sigmoid", "softsign", "step"] as const;
export type HiddenActivation = (typeof ACTIVATIONS)[number];

export const ACTIVATION_LABELS: Readonly<Record<HiddenActivation, string>> = {
  relu: "ReLU",
  leakyRelu: "Leaky ReLU",
  tanh: "tanh",
  sigmoid: "sigmoid",
  softsign: "softsign",
  step: "step",
};

export const DATASETS = ["spirals", "twoMoons", "circles", "xor"] as const;
export type DatasetName = (typeof DATASETS)[number];

export const DATASET_LABELS: Readonly<Record<DatasetName, string>> = {
  spirals: "Spirals",
  twoMoons: "Two moons",
  circles: "Circles",
  xor: "XOR",
};

export const OPTIMIZERS = ["adam", "sgd", "momentum", "rmsprop", "adagrad", "adadelta"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const OPTIMIZER_LABELS: Readonly<Record<OptimizerName, string>> = {
  adam: "Adam",
  sgd: "SGD",
  momentum: "SGD + momentum",
  rmsprop: "RMSProp",
  adagrad: "Adagrad",
  adadelta: "Adadelta",
};

/** The course notes' three kinds of gradient descent. */
export const MODES = ["minibatch", "batch", "stochastic"] as const;
export type Mode = (typeof MODES)[number];

export const MODE_LABELS: Readonly<Record<Mode, string>> = {
  minibatch: "Mini-batch",
  batch: "Batch",
  stochastic: "Stochastic",
};

export interface HiddenLayer {
  readonly units: number;
  readonly activation: HiddenActivation;
}

export interface PlaneConfig {
  readonly dataset: DatasetName;
  /** Standard deviation of the noise added to every point. */
  readonly noise: number;
  readonly hidden: readonly HiddenLayer[];
  readonly optimizer: OptimizerName;
  readonly learningRate: number;
  readonly mode: Mode;
  /** Samples per update in mini-batch mode. */
  readonly batchSize: number;
  readonly l1: number;
  readonly l2: number;
  /** Drop rate after every hidden activation, in [0, 1). */
  readonly dropout: number;
  /** Seed of the points and of the train/test split. */
  readonly seed: number;
  /** Seed of the initial weights, the batch order and dropout; Reset picks a new one. */
  readonly weightsSeed: number;
}

export const DEFAULT_CONFIG: PlaneConfig = {
  dataset: "spirals",
  noise: 0.03,
  hidden: [
    { units: 16, activation: "relu" },
    { units: 16, activation: "relu" },
  ],
  optimizer: "adam",
  learningRate: 0.03,
  mode: "minibatch",
  batchSize: 16,
  l1: 0,
  l2: 0,
  dropout: 0,
  seed: 1,
  weightsSeed: 1,
};

export const MAX_LAYERS = 5;
export const MAX_UNITS = 32;
