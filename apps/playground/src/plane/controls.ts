import {
  ACTIVATION_LABELS,
  ACTIVATIONS,
  DATASET_LABELS,
  DATASETS,
  DEFAULT_CONFIG,
  MAX_LAYERS,
  MAX_UNITS,
  MODE_LABELS,
  MODES,
  OPTIMIZER_LABELS,
  OPTIMIZERS,
  type HiddenLayer,
  type PlaneConfig,
} from "./config.js";

const LEARNING_RATES = [0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
const BATCH_SIZES = [4, 8, 16, 32, 64];
const PENALTIES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1];
const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5];

/** The page's element with this id, as the kind of element the caller knows it to be. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the element type it expects
function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no element #${id}`);
  return element as T;
}

function fillSelect(select: HTMLSelectElement, options: readonly (readonly [string, string])[], value: string): void {
  select.replaceChildren(...options.map(([v, text]) => new Option(text, v, false, v === value)));
}

const numberOptions = (values: readonly number[], format: (v: number) => string = String): [string, string][] => values.map((v) => [String(v), format(v)]);

/**
 * The playground's form: builds its choices from config.ts, reads a `PlaneConfig` from it, and calls
 * `onChange` with the new configuration whenever the person changes anything.
 */
export class PlaneControls {
  #layers: HiddenLayer[] = [...DEFAULT_CONFIG.hidden];
  #weightsSeed = DEFAULT_CONFIG.weightsSeed;
  readonly #onChange: (config: PlaneConfig) => void;

  constructor(onChange: (config: PlaneConfig) => void) {
    this.#onChange = onChange;
    const c = DEFAULT_CONFIG;
    fillSelect(byId("dataset"), DATASETS.map((d) => [d, DATASET_LABELS[d]]), c.dataset);
    fillSelect(byId("optimizer"), OPTIMIZERS.map((o) => [o, OPTIMIZER_LABELS[o]]), c.optimizer);
    fillSelect(byId("learning-rate"), numberOptions(LEARNING_RATES), String(c.learningRate));
    fillSelect(byId("batch-size"), numberOptions(BATCH_SIZES), String(c.batchSize));
    fillSelect(byId("l1"), numberOptions(PENALTIES, (v) => (v === 0 ? "none" : String(v))), String(c.l1));
    fillSelect(byId("l2"), numberOptions(PENALTIES, (v) => (v === 0 ? "none" : String(v))), String(c.l2));
    fillSelect(byId("dropout"), numberOptions(DROPOUTS, (v) => (v === 0 ? "none" : `${v * 100}%`)), String(c.dropout));
    byId<HTMLInputElement>("noise").value = String(c.noise);
    byId("modes").replaceChildren(
      ...MODES.flatMap((mode) => {
        const input = Object.assign(document.createElement("input"), { type: "radio", name: "mode", id: `mode-${mode}`, value: mode, checked: mode === c.mode });
        const label = Object.assign(document.createElement("label"), { htmlFor: input.id, textContent: MODE_LABELS[mode] });
        return [input, label];
      }),
    );
    this.#renderLayers();
    const form = byId<HTMLFormElement>("plane-controls");
    form.addEventListener("change", () => {
      this.#changed();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
    });
    byId<HTMLInputElement>("noise").addEventListener("input", () => {
      this.#showNoise();
    });
    byId("add-layer").addEventListener("click", () => {
      this.#layers.push({ ...(this.#layers.at(-1) ?? DEFAULT_CONFIG.hidden[0]!) });
      this.#renderLayers();
      this.#changed();
      byId("layers").querySelector<HTMLInputElement>("li:last-child input")?.focus();
    });
    this.#showNoise();
    this.#syncBatchSize();
  }

  /** New initial weights (and batch order) from the next `read()` on: what Reset means. */
  reseed(): void {
    this.#weightsSeed++;
  }

  /** The configuration the form shows now. */
  read(): PlaneConfig {
    const form = byId<HTMLFormElement>("plane-controls");
    const value = (name: string): string => (form.elements.namedItem(name) as HTMLSelectElement | HTMLInputElement | RadioNodeList).value;
    return {
      ...DEFAULT_CONFIG,
      dataset: value("dataset") as PlaneConfig["dataset"],
      noise: Number(value("noise")),
      hidden: this.#layers.map((l) => ({ ...l })),
      optimizer: value("optimizer") as PlaneConfig["optimizer"],
      learningRate: Number(value("learningRate")),
      mode: value("mode") as PlaneConfig["mode"],
      batchSize: Number(value("batchSize")),
      l1: Number(value("l1")),
      l2: Number(value("l2")),
      dropout: Number(value("dropout")),
      weightsSeed: this.#weightsSeed,
    };
  }

  #changed(): void {
    this.#syncBatchSize();
    this.#onChange(this.read());
  }

  #showNoise(): void {
    byId("noise-value").textContent = Number(byId<HTMLInputElement>("noise").value).toFixed(3);
  }

  /** The batch size means something only in mini-batch mode. */
  #syncBatchSize(): void {
    const mode = (byId<HTMLFormElement>("plane-controls").elements.namedItem("mode") as RadioNodeList).value;
    byId<HTMLSelectElement>("batch-size").disabled = mode !== "minibatch";
  }

  #renderLayers(): void {
    const list = byId("layers");
    list.replaceChildren(
      ...this.#layers.map((layer, i) => {
        const item = document.createElement("li");
        const units = Object.assign(document.createElement("input"), {
          type: "number",
          min: "1",
          max: String(MAX_UNITS),
          value: String(layer.units),
          required: true,
        });
        units.setAttribute("aria-label", `Layer ${i + 1}: neurons`);
        units.addEventListener("change", (event) => {
          event.stopPropagation();
          const n = Math.round(Number(units.value));
          const clamped = Number.isFinite(n) ? Math.min(MAX_UNITS, Math.max(1, n)) : layer.units;
          units.value = String(clamped);
          this.#layers[i] = { ...this.#layers[i]!, units: clamped };
          this.#changed();
        });
        const activation = document.createElement("select");
        activation.setAttribute("aria-label", `Layer ${i + 1}: activation`);
        fillSelect(activation, ACTIVATIONS.map((a) => [a, ACTIVATION_LABELS[a]]), layer.activation);
        activation.addEventListener("change", (event) => {
          event.stopPropagation();
          this.#layers[i] = { ...this.#layers[i]!, activation: activation.value as HiddenLayer["activation"] };
          this.#changed();
        });
        const remove = Object.assign(document.createElement("button"), { type: "button", textContent: "×", className: "remove", disabled: this.#layers.length === 1 });
        remove.setAttribute("aria-label", `Remove layer ${i + 1}`);
        remove.addEventListener("click", () => {
          this.#layers.splice(i, 1);
          this.#renderLayers();
          this.#changed();
          byId("add-layer").focus();
        });
        const name = Object.assign(document.createElement("span"), { className: "layer-name", textContent: `Layer ${i + 1}` });
        item.append(name, units, activation, remove);
        return item;
      }),
    );
    byId<HTMLButtonElement>("add-layer").disabled = this.#layers.length >= MAX_LAYERS;
  }
}

export { byId };
