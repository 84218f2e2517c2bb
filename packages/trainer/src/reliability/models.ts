import { cpu } from "@neurite/backend-cpu";
import { BackendError, ShapeError, ArgumentError, tensor } from "@neurite/tensor-core";
import { StateDictError, dense, dropout, sequential, type Module } from "@neurite/layers";
import type { Refusal } from "./table.js";

/** The weights of a model, as plain numbers. */
export const weightsOf = (model: Module): Record<string, number[]> =>
  Object.fromEntries(Object.entries(model.stateDict()).map(([name, t]) => {
    const values = [...t.dataSync()];
    t.dispose();
    return [name, values];
  }));

/** layers: constructor arguments, forward shapes, state dicts. */
export const layers: readonly Refusal[] = [
  {
    name: "a dense layer with 0 inputs",
    error: ArgumentError,
    words: ["Dense", "inFeatures", "positive integer", "got 0"],
    arrange: () => ({ act: () => dense(0, 1) }),
  },
  {
    name: "a forward pass with the wrong number of features",
    error: ShapeError,
    words: ["Dense(3 → 1)", "[2, 2]"],
    arrange: () => {
      const model = sequential([dense(3, 1, { seed: 1 })]);
      const x = tensor([[1, 2], [3, 4]]);
      return { act: () => model.forward(x), state: () => weightsOf(model), cleanup: () => { model.dispose(); x.dispose(); } };
    },
  },
  {
    name: "a state dict with a missing entry",
    error: StateDictError,
    words: ["loadStateDict", "missing", "'0.bias'", "Nothing was loaded"],
    arrange: () => {
      const model = sequential([dense(2, 1, { seed: 1 })]);
      const w = tensor([[5], [5]]);
      return { act: () => model.loadStateDict({ "0.weight": w }), state: () => weightsOf(model), cleanup: () => { model.dispose(); w.dispose(); } };
    },
  },
  {
    name: "a state dict from another backend instance",
    error: BackendError,
    words: ["loadStateDict", "'0.weight'", "another instance of backend 'cpu'"],
    arrange: () => {
      const model = sequential([dense(2, 1, { seed: 1 })]);
      const elsewhere = cpu();
      const dict = { "0.weight": tensor([[5], [5]], { backend: elsewhere }), "0.bias": tensor([1]) };
      return { act: () => model.loadStateDict(dict), state: () => weightsOf(model), cleanup: () => { model.dispose(); Object.values(dict).forEach((t) => { t.dispose(); }); } };
    },
  },
  {
    name: "a dropout rate of 1",
    error: ArgumentError,
    words: ["Dropout(1)", "rate", "[0, 1)"],
    arrange: () => ({ act: () => dropout(1) }),
  },
];
