import { cpu } from "@neurite/backend-cpu";
import { l2 } from "@neurite/losses";
import { ArgumentError, BackendError, DTypeError, ShapeError, memory, ones, setBackend, tensor, tidy, variable, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { Module, StateDictError, conv2d, dense, dropout, flatten, functionalCall, lambda, relu, sequential } from "./index.js";
import { gradcheckLayer, parameterValues, uniform, values } from "./testing.js";

beforeAll(async () => {
  await setBackend(cpu());
});

class Net extends Module {
  readonly conv1 = conv2d(1, 2, 3, { seed: 1 });
  readonly flatten = flatten();
  readonly drop = dropout(0.5);
  readonly heads = [dense(8, 3, { seed: 2 }), dense(3, 1, { seed: 3 })];
  readonly scale = tidy(() => variable(ones([1])));
  forward(x: Tensor): Tensor {
    return tidy(() => this.heads[1]!.forward(this.heads[0]!.forward(this.drop.forward(this.flatten.forward(this.conv1.forward(x))))).mul(this.scale.value));
  }
}

const mlp = () => sequential([dense(8, 16, { seed: 1 }), relu(), dropout(0.5), dense(16, 4, { seed: 2 })]);

describe("Module", () => {
  it("names a Sequential's parameters by index and a custom module's by property path", () => {
    expect(Object.keys(mlp().namedParameters())).toEqual(["0.weight", "0.bias", "3.weight", "3.bias"]);
    const net = new Net();
    expect(Object.keys(net.namedParameters())).toEqual(["scale", "conv1.weight", "conv1.bias", "heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias"]);
    expect(Object.keys(net.namedChildren())).toEqual(["conv1", "flatten", "drop", "heads.0", "heads.1"]);
    expect(net.parameters()).toHaveLength(7);
    expect(net.namedModules().map(([path]) => path)).toEqual(["", "conv1", "flatten", "drop", "heads.0", "heads.1"]);
  });

  it("lists a module used twice once, under its first path", () => {
    const shared = dense(4, 4);
    expect(Object.keys(sequential([shared, relu(), shared]).namedParameters())).toEqual(["0.weight", "0.bias"]);
  });

  it("switches train/eval mode through the whole tree", () => {
    const net = new Net();
    expect(net.training && net.drop.training).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.training || net.drop.training || net.heads[0]!.training).toBe(false);
    net.train();
    expect(net.drop.training).toBe(true);
  });

  it("runs a custom module, and works with the regularizers' 'not bias' default", () => {
    const net = new Net();
    expect(net.forward(tensor(new Float32Array(2 * 16), { shape: [2, 4, 4, 1] })).shape).toEqual([2, 1]);
    const penalty = l2(1)(parameterValues(net));
    const expected = ["scale", "conv1.weight", "heads.0.weight", "heads.1.weight"]
      .map((name) => values(net.namedParameters()[name]!.value).reduce((s, v) => s + v * v, 0))
      .reduce((a, b) => a + b);
    expect(penalty.itemSync()).toBeCloseTo(expected, 4);
  });
});

describe("state dicts", () => {
  it("round-trips: a model loaded with another's state dict computes the same function", () => {
    const a = mlp().eval();
    const b = sequential([dense(8, 16, { seed: 5 }), relu(), dropout(0.5), dense(16, 4, { seed: 6 })]).eval();
    const x = tensor(Float32Array.from({ length: 16 }, (_, i) => i / 8 - 1), { shape: [2, 8] });
    expect(values(b.forward(x))).not.toEqual(values(a.forward(x)));
    const state = a.stateDict();
    expect(Object.keys(state)).toEqual(["0.weight", "0.bias", "3.weight", "3.bias"]);
    expect(b.loadStateDict(state)).toEqual({ missing: [], unexpected: [] });
    expect(values(b.forward(x))).toEqual(values(a.forward(x)));
  });

  it("returns snapshots: later training does not change a saved state dict", () => {
    const layer = dense(2, 2, { seed: 1 });
    const saved = layer.stateDict();
    const before = values(saved.weight!);
    layer.weight.assign(tensor([[0, 0], [0, 0]]));
    expect(values(saved.weight!)).toEqual(before);
  });

  it("refuses missing and unexpected entries with a StateDictError that names them, and loads nothing", () => {
    const model = mlp();
    const before = values(model.layers[0]!.namedParameters().weight!.value);
    const state = mlp().stateDict();
    const { ["3.bias"]: _dropped, ...partial } = state;
    const changed = { ...partial, "0.weight": tensor(new Float32Array(128).fill(7), { shape: [8, 16] }), "4.weight": state["3.weight"]! };
    let error: unknown;
    try {
      model.loadStateDict(changed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect((error as StateDictError).missing).toEqual(["3.bias"]);
    expect((error as StateDictError).unexpected).toEqual(["4.weight"]);
    expect((error as Error).message).toContain("missing '3.bias'; unexpected '4.weight'");
    expect(values(model.layers[0]!.namedParameters().weight!.value)).toEqual(before);
    // Non-strict loads what matches and reports the rest.
    expect(model.loadStateDict(changed, { strict: false })).toEqual({ missing: ["3.bias"], unexpected: ["4.weight"] });
    expect(values(model.layers[0]!.namedParameters().weight!.value)).toEqual(new Array<number>(128).fill(7));
  });

  it("refuses mis-shaped entries with a ShapeError naming the entry, the layer and both shapes, and loads nothing", () => {
    const model = mlp();
    const before = model.stateDict();
    const bad = { ...mlp().stateDict(), "0.weight": tensor(new Float32Array(120), { shape: [8, 15] }) };
    expect(() => model.loadStateDict(bad)).toThrow(ShapeError);
    expect(() => model.loadStateDict(bad)).toThrow("'0.weight' of Dense(8 → 16) expects shape [8, 16], got [8, 15]");
    expect(() => model.loadStateDict(bad, { strict: false })).toThrow(ShapeError);
    const after = model.stateDict();
    for (const name of Object.keys(before)) expect(values(after[name]!)).toEqual(values(before[name]!));
  });

  it("refuses entries of another dtype and values that are not tensors", () => {
    const layer = dense(2, 1);
    expect(() => layer.loadStateDict({ weight: tensor([[1], [2]], { dtype: "float64" }), bias: tensor([0]) })).toThrow(DTypeError);
    expect(() => layer.loadStateDict({ weight: [[1], [2]] as unknown as Tensor, bias: tensor([0]) })).toThrow(ArgumentError);
  });

  it("refuses tensors from another backend instance, even one of the same name, and loads nothing", () => {
    const layer = dense(2, 1, { seed: 1 });
    const snapshot = () => Object.values(layer.namedParameters()).map((v) => [...v.value.dataSync()]);
    const before = snapshot();
    const elsewhere = cpu();
    let error: unknown = null;
    try {
      layer.loadStateDict({ weight: tensor([[1], [2]]), bias: tensor([0], { backend: elsewhere }) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe(
      "loadStateDict (argument 'bias'): the tensor for 'bias' of Dense(2 → 1) lives on another instance of backend 'cpu', the model on its own 'cpu'; create it there (e.g. tensor(values, { backend })) — nothing was loaded",
    );
    expect(snapshot()).toEqual(before);
  });

  it("includes plain Variables held by a custom module", () => {
    class Affine extends Module {
      readonly scale = variable(tensor([2]));
      forward(x: Tensor): Tensor {
        return x.mul(this.scale.value);
      }
    }
    const m = new Affine();
    expect(Object.keys(m.stateDict())).toEqual(["scale"]);
    m.loadStateDict({ scale: tensor([3]) });
    expect(values(m.forward(tensor([1, 2])))).toEqual([3, 6]);
    // functionalCall substitutes any Variable, for the duration of the call only.
    expect(values(functionalCall(m, { scale: tensor([10]) }, tensor([1, 2])))).toEqual([10, 20]);
    expect(values(m.forward(tensor([1, 2])))).toEqual([3, 6]);
  });
});

describe("functionalCall", () => {
  it("runs the module with substituted parameters and leaves its own untouched", () => {
    const layer = dense(2, 1, { bias: false });
    layer.weight.assign(tensor([[1], [1]]));
    const x = tensor([[1, 2]]);
    expect(values(functionalCall(layer, { weight: tensor([[10], [100]]) }, x))).toEqual([210]);
    expect(values(layer.forward(x))).toEqual([3]);
  });

  it("refuses unknown names and mis-shaped tensors", () => {
    const layer = dense(2, 1);
    expect(() => functionalCall(layer, { kernel: tensor([[1], [1]]) }, tensor([[1, 2]]))).toThrow(StateDictError);
    expect(() => functionalCall(layer, { weight: tensor([[1, 1]]) }, tensor([[1, 2]]))).toThrow(ShapeError);
  });
});

describe("memory", () => {
  it("a forward pass inside tidy leaks nothing, and outside it only the output is new", () => {
    const model = sequential([dense(8, 16, { activation: "leakyRelu" }), dropout(0.5), dense(16, 4, { activation: "softsign" })]);
    const x = tensor(new Float32Array(16), { shape: [2, 8] });
    const before = memory().tensors;
    tidy(() => {
      model.forward(x);
    });
    expect(memory().tensors).toBe(before);
    const y = model.forward(x);
    expect(memory().tensors).toBe(before + 1);
    y.dispose();
  });

  it("dispose frees every variable of the tree", () => {
    const before = memory().tensors;
    const model = new Net();
    expect(memory().tensors).toBe(before + 7);
    model.dispose();
    expect(memory().tensors).toBe(before);
    expect(() => model.forward(tensor(new Float32Array(16), { shape: [1, 4, 4, 1] }))).toThrow(/disposed/);
  });

  it("works with `using`", () => {
    const before = memory().tensors;
    {
      using layer = dense(3, 3);
      expect(layer.parameters()).toHaveLength(2);
    }
    expect(memory().tensors).toBe(before);
  });
});

describe("Sequential and Lambda", () => {
  it("chains layers; an empty Sequential is the identity", () => {
    const model = sequential([lambda((x) => x.mul(2), "Double"), lambda((x) => x.add(1))]);
    expect(values(model.forward(tensor([1, 2])))).toEqual([3, 5]);
    expect(values(sequential([]).forward(tensor([1])))).toEqual([1]);
    expect(String(model)).toBe("Sequential(2 layers)");
    expect(model.layers.map(String)).toEqual(["Double()", "Lambda()"]);
  });

  it("a whole model passes gradcheck with respect to its input and every parameter", async () => {
    const model = sequential([conv2d(2, 3, 2, { seed: 1 }), relu(), flatten(), dense(12, 4, { activation: "tanh", seed: 2 }), dense(4, 2, { seed: 3 })]);
    await gradcheckLayer(model, uniform([2, 3, 3, 2], 21));
    await gradcheckLayer(new Net().eval(), uniform([2, 4, 4, 1], 22));
  });

  it("refuses something that is not a module, naming its index", () => {
    expect(() => sequential([dense(2, 2), ((x: Tensor) => x) as unknown as Module])).toThrow(/layers\[1\].*lambda\(fn\)/);
  });
});
