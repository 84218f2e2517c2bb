// One neuron: ŷ = g(w₀ + xᵀw) on the course notes' first student (12 h study, 6 h sleep, 78% quiz).
import { print, table } from "@docs/output";
import { linear, tensor } from "@neurite/tensor-core";

const x = tensor([[0.12, 0.6, 0.78]]); // the inputs, scaled to comparable ranges (hours / 100, hours / 10)
const w = tensor([[0.5], [-0.25], [1.5]]); // one weight per input
const b = tensor([0.1]); // the bias w₀

const z = x.matmul(w).add(b); // the weighted sum w₀ + xᵀw
await print("z = w₀ + xᵀw =", z);
await print("ŷ = sigmoid(z) =", z.sigmoid());
// linear(x, w, b, activation) is the same thing in one call (and one kernel where the backend fuses it).
await print("linear(x, w, b, \"sigmoid\") =", linear(x, w, b, "sigmoid"));

// A layer of three neurons over the same inputs — a multi-output perceptron: W has one column per neuron.
const W = tensor([[0.5, -1, 0.2], [-0.25, 0.5, 0.1], [1.5, 0.3, -0.4]]);
const layer = linear(x, W, tensor([0.1, 0, -0.1]), "tanh");
const values = Array.from(await layer.data());
table(values.map((value, i) => ({ neuron: i + 1, "tanh(zᵢ)": value })));
