import { adam, sgd, type Optimizer } from "@neurite/optimizers";
import { ArgumentError, DisposedError, tensor, variable } from "@neurite/tensor-core";
import type { Refusal } from "./table.js";

/** An optimizer's step count and slot values as plain data (the snapshot's tensors are freed). */
function stateOf(optimizer: Optimizer): unknown {
  const state = optimizer.state();
  const slots = Object.fromEntries(Object.entries(state.slots).map(([name, s]) => [name, Object.fromEntries(Object.entries(s).map(([k, t]) => [k, [...t.dataSync()]]))]));
  for (const s of Object.values(state.slots)) for (const t of Object.values(s)) t.dispose();
  return { iterations: state.iterations, learningRate: state.learningRate, slots };
}

/** optimizers: what is not a parameter, empty steps, hyper-parameters, states, disposed gradients. */
export const optimizers: readonly Refusal[] = [
  {
    name: "a plain Tensor instead of a Variable",
    error: ArgumentError,
    words: ["sgd.step", "'w'", "Variable", "plain Tensor"],
    arrange: () => {
      const [w, g] = [tensor([1, 2]), tensor([1, 1])];
      return { act: () => { sgd().step({ w } as never, { w: g }); }, state: () => [...w.dataSync()], cleanup: () => { [w, g].forEach((t) => { t.dispose(); }); } };
    },
  },
  {
    name: "step({}, {})",
    error: ArgumentError,
    words: ["adam.step", "parameters", "no parameters"],
    arrange: () => ({ act: () => { adam().step({}, {}); } }),
  },
  {
    name: "a learning rate given as a string",
    error: ArgumentError,
    words: ["sgd", "lr", 'the string "0.1"'],
    arrange: () => ({ act: () => sgd({ lr: "0.1" as never }) }),
  },
  {
    name: "a disposed gradient: nothing is updated, the count stays",
    error: DisposedError,
    words: ["adam.step", "'b'", "disposed"],
    arrange: () => {
      const [a, b] = [variable(tensor([1]), { name: "a" }), variable(tensor([2]), { name: "b" })];
      const [ga, gb] = [tensor([1]), tensor([1])];
      gb.dispose();
      const optimizer = adam();
      return {
        act: () => { optimizer.step({ a, b }, { a: ga, b: gb }); },
        state: () => ({ a: [...a.value.dataSync()], b: [...b.value.dataSync()], optimizer: stateOf(optimizer) }),
        cleanup: () => { [a, b, ga].forEach((t) => { t.dispose(); }); },
      };
    },
  },
  {
    name: "a state with a slot the optimizer does not keep",
    error: ArgumentError,
    words: ["adam.loadState", "'velocity'", "'m', 'v'"],
    arrange: () => {
      const w = variable(tensor([1, 2]), { name: "w" });
      const optimizer = adam();
      const g = tensor([1, 1]);
      optimizer.step({ w }, { w: g });
      const state = optimizer.state();
      const bad = { ...state, iterations: 9, slots: { w: { ...state.slots.w, velocity: g } } };
      return {
        act: () => { optimizer.loadState(bad); },
        state: () => stateOf(optimizer),
        cleanup: () => {
          for (const t of [w, g, ...Object.values(state.slots.w!)]) t.dispose();
          optimizer.dispose();
        },
      };
    },
  },
];
