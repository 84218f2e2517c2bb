import { cpu } from "@neurite/backend-cpu";
import { ArgumentError, ShapeError, matmul, memory, randomNormal, setBackend, tensor, tidy, variable, type Tensor, type Variable } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { adadelta, adagrad, adam, adamW, rmsprop, sgd, Sgd, type Hyper, type Optimizer, type OptimizerState, type Slots } from "./index.js";

beforeAll(async () => {
  await setBackend(cpu());
});

/** Runs `optimizer` on one float64 scalar parameter starting at 1 with the given gradient sequence. */
function trajectory(optimizer: Optimizer, gradients: number[]): number[] {
  const w = variable(tensor([1], { dtype: "float64" }), { name: "w" });
  const seen: number[] = [];
  for (const g of gradients) {
    const gradient = tensor([g], { dtype: "float64" });
    optimizer.step({ w }, { w: gradient });
    gradient.dispose();
    seen.push(w.value.dataSync()[0]!);
  }
  w.dispose();
  optimizer.dispose();
  return seen;
}

/** The textbook update rules on plain numbers, written out independently of the tensor code. */
const byHand = {
  sgd(lr: number, gs: number[], momentum = 0, nesterov = false, decay = 0): number[] {
    let w = 1;
    let v: number | undefined;
    return gs.map((g0) => {
      const g = g0 + decay * w;
      if (momentum === 0) return (w -= lr * g);
      v = v === undefined ? g : momentum * v + g;
      return (w -= lr * (nesterov ? g + momentum * v : v));
    });
  },
  adam(lr: number, gs: number[], b1 = 0.9, b2 = 0.999, eps = 1e-8, decoupled = 0): number[] {
    let [w, m, v] = [1, 0, 0];
    return gs.map((g, i) => {
      const t = i + 1;
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g * g;
      const step = m / (1 - b1 ** t) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
      w = w * (1 - lr * decoupled) - lr * step;
      return w;
    });
  },
  adagrad(lr: number, gs: number[], eps = 1e-10): number[] {
    let [w, sum] = [1, 0];
    return gs.map((g) => {
      sum += g * g;
      return (w -= (lr * g) / (Math.sqrt(sum) + eps));
    });
  },
  adadelta(lr: number, gs: number[], rho = 0.9, eps = 1e-6): number[] {
    let [w, eg, ed] = [1, 0, 0];
    return gs.map((g) => {
      eg = rho * eg + (1 - rho) * g * g;
      const delta = (Math.sqrt(ed + eps) / Math.sqrt(eg + eps)) * g;
      ed = rho * ed + (1 - rho) * delta * delta;
      return (w -= lr * delta);
    });
  },
  rmsprop(lr: number, gs: number[], rho = 0.99, eps = 1e-8, momentum = 0, centered = false): number[] {
    let [w, sq, avg, buf] = [1, 0, 0, 0];
    return gs.map((g) => {
      sq = rho * sq + (1 - rho) * g * g;
      avg = rho * avg + (1 - rho) * g;
      const scaled = g / (Math.sqrt(centered ? sq - avg * avg : sq) + eps);
      if (momentum === 0) return (w -= lr * scaled);
      buf = momentum * buf + scaled;
      return (w -= lr * buf);
    });
  },
};

const gradients = [0.5, -0.25, 1.5, 0.1];

describe("first steps match the update formula", () => {
  const cases: [string, () => Optimizer, number[]][] = [
    ["sgd", () => sgd({ lr: 0.1 }), byHand.sgd(0.1, gradients)],
    ["sgd + weight decay", () => sgd({ lr: 0.1, weightDecay: 0.1 }), byHand.sgd(0.1, gradients, 0, false, 0.1)],
    ["sgd + momentum", () => sgd({ lr: 0.1, momentum: 0.9 }), byHand.sgd(0.1, gradients, 0.9)],
    ["sgd + nesterov", () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true }), byHand.sgd(0.1, gradients, 0.9, true)],
    ["adam", () => adam({ lr: 0.1 }), byHand.adam(0.1, gradients)],
    ["adamW", () => adamW({ lr: 0.1, weightDecay: 0.05 }), byHand.adam(0.1, gradients, 0.9, 0.999, 1e-8, 0.05)],
    ["adagrad", () => adagrad({ lr: 0.1 }), byHand.adagrad(0.1, gradients)],
    ["adadelta", () => adadelta({ lr: 1 }), byHand.adadelta(1, gradients)],
    ["rmsprop", () => rmsprop({ lr: 0.01 }), byHand.rmsprop(0.01, gradients)],
    ["rmsprop centered + momentum", () => rmsprop({ lr: 0.01, momentum: 0.5, centered: true }), byHand.rmsprop(0.01, gradients, 0.99, 1e-8, 0.5, true)],
  ];
  it.each(cases)("%s", (_, make, expected) => {
    const seen = trajectory(make(), gradients);
    seen.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, 12));
  });

  it("the first sgd step is exactly W − ηg", () => {
    expect(trajectory(sgd({ lr: 0.1 }), [0.5])).toEqual([0.95]);
  });
});

/** Least squares on a fixed random problem; the gradient 2/n·Xᵀ(Xw − y) is computed analytically. */
function fitLinearRegression(optimizer: Optimizer, steps: number): number {
  const x = randomNormal([64, 3], { seed: 1, dtype: "float64" });
  const trueW = tensor([[2], [-3], [0.5]], { dtype: "float64" });
  const y = matmul(x, trueW);
  const w = variable(tensor([[0], [0], [0]], { dtype: "float64" }), { name: "w" });
  for (let i = 0; i < steps; i++) {
    const gradient = tidy(() => matmul(x, matmul(x, w.value).sub(y), { transposeA: true }).mul(2 / 64));
    optimizer.step([w], [gradient]);
    gradient.dispose();
  }
  const error = tidy(() => w.value.sub(trueW).abs().max().itemSync());
  for (const t of [x, trueW, y]) t.dispose();
  w.dispose();
  optimizer.dispose();
  return error;
}

/** Rosenbrock's f(x, y) = (1 − x)² + 100(y − x²)² from (−1.5, 2); returns the final f. */
function minimizeRosenbrock(optimizer: Optimizer, steps: number): number {
  const p = variable(tensor([-1.5, 2], { dtype: "float64" }), { name: "p" });
  for (let i = 0; i < steps; i++) {
    const [x, y] = p.value.dataSync() as Float64Array;
    const gradient = tensor([-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)], { dtype: "float64" });
    optimizer.step({ p }, { p: gradient });
    gradient.dispose();
  }
  const [x, y] = p.value.dataSync() as Float64Array;
  p.dispose();
  optimizer.dispose();
  return (1 - x!) ** 2 + 100 * (y! - x! * x!) ** 2;
}

describe("convergence", () => {
  it.each([
    ["sgd", () => sgd({ lr: 0.1 })],
    ["sgd + nesterov", () => sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
    ["adam", () => adam({ lr: 0.05 })],
    ["adamW", () => adamW({ lr: 0.05, weightDecay: 0 })],
    ["adagrad", () => adagrad({ lr: 0.5 })],
    ["adadelta", () => adadelta({ lr: 1 })],
    ["rmsprop", () => rmsprop({ lr: 0.01 })],
  ] as const)("%s solves a linear regression", (_, make) => {
    expect(fitLinearRegression(make(), 1000)).toBeLessThan(1e-2);
  });

  // Start: f = 12.5. Adadelta crawls along the curved valley (its steps are built from its own past steps),
  // so it gets a looser bound; the others reach the minimum (1, 1).
  it.each([
    ["sgd + momentum", () => sgd({ lr: 0.001, momentum: 0.9 }), 5000, 1e-8],
    ["sgd + nesterov", () => sgd({ lr: 0.001, momentum: 0.9, nesterov: true }), 5000, 1e-8],
    ["adam", () => adam({ lr: 0.02 }), 5000, 1e-8],
    ["adagrad", () => adagrad({ lr: 1 }), 10000, 1e-4],
    ["rmsprop with momentum", () => rmsprop({ lr: 0.001, momentum: 0.9 }), 5000, 1e-4],
    ["adadelta", () => adadelta({ rho: 0.9995 }), 20000, 0.1],
  ] as const)("%s minimises Rosenbrock's function", (_, make, steps, bound) => {
    expect(minimizeRosenbrock(make(), steps)).toBeLessThan(bound);
  });
});

describe("state, groups and clipping", () => {
  it("saved state resumes the exact same trajectory", () => {
    const straight = trajectory(adam({ lr: 0.1 }), gradients);
    const first = adam({ lr: 0.1 });
    const w = variable(tensor([1], { dtype: "float64" }), { name: "w" });
    const step = (o: Optimizer, g: number) => {
      const t = tensor([g], { dtype: "float64" });
      o.step({ w }, { w: t });
      t.dispose();
    };
    step(first, gradients[0]!);
    step(first, gradients[1]!);
    const saved = first.state();
    first.dispose();
    const resumed = adam({ lr: 0.1 });
    resumed.loadState(saved);
    for (const slots of Object.values(saved.slots)) for (const t of Object.values(slots)) t.dispose();
    step(resumed, gradients[2]!);
    step(resumed, gradients[3]!);
    expect(resumed.iterations).toBe(4);
    expect(w.value.dataSync()[0]).toBe(straight[3]);
    resumed.dispose();
    w.dispose();
  });

  it("a parameter group gets its own learning rate", () => {
    const a = variable(tensor([1]), { name: "a" });
    const b = variable(tensor([1]), { name: "b" });
    const g = tensor([1]);
    sgd({ lr: 0.1, groups: [{ match: (name) => name === "b", lr: 0.5 }] }).step({ a, b }, { a: g, b: g });
    expect(a.value.itemSync()).toBeCloseTo(0.9, 6);
    expect(b.value.itemSync()).toBeCloseTo(0.5, 6);
    for (const t of [a, b, g]) t.dispose();
  });

  it("clips by global norm and by value", () => {
    const a = variable(tensor([0, 0]), { name: "a" });
    const g = tensor([3, 4]); // norm 5
    sgd({ lr: 1, clipNorm: 1 }).step({ a }, { a: g });
    expect([...a.value.dataSync()].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-0.6, -0.8]);
    sgd({ lr: 1, clipValue: 0.5 }).step({ a }, { a: g });
    expect([...a.value.dataSync()].map((v) => Math.round(v * 1e6) / 1e6)).toEqual([-1.1, -1.3]);
    a.dispose();
    g.dispose();
  });

  it("skips variables that are not trainable", () => {
    const frozen = variable(tensor([1]), { name: "frozen", trainable: false });
    const g = tensor([1]);
    sgd({ lr: 0.1 }).step({ frozen }, { frozen: g });
    expect(frozen.value.itemSync()).toBe(1);
    frozen.dispose();
    g.dispose();
  });

  it("leaks nothing across steps", () => {
    const w = variable(tensor([1, 2, 3]), { name: "w" });
    const optimizer = adam({ lr: 0.1 });
    const g = tensor([0.1, 0.2, 0.3]);
    optimizer.step({ w }, { w: g });
    const after1 = memory().tensors;
    for (let i = 0; i < 10; i++) optimizer.step({ w }, { w: g });
    expect(memory().tensors).toBe(after1);
    optimizer.dispose();
    w.dispose();
    g.dispose();
  });
});

describe("bad hyper-parameters and gradients", () => {
  it("refuses learning rates and decays out of range", () => {
    expect(() => sgd({ lr: 0 })).toThrow(ArgumentError);
    expect(() => sgd({ lr: Number.NaN })).toThrow("sgd (argument 'lr'): expected a finite value in (0, ∞), got NaN");
    expect(() => adam({ beta1: 1 })).toThrow("adam (argument 'beta1'): expected a finite value in [0, 1), got 1");
    expect(() => rmsprop({ momentum: -0.1 })).toThrow(ArgumentError);
    expect(() => sgd({ nesterov: true })).toThrow(ArgumentError);
    expect(() => adagrad({ weightDecay: -1 })).toThrow(ArgumentError);
  });

  it("refuses a gradient of the wrong shape or for an unknown parameter", () => {
    const w: Variable = variable(tensor([[1, 2]]), { name: "w" });
    const wrong: Tensor = tensor([1, 2]);
    expect(() => sgd().step({ w }, { w: wrong })).toThrow(ShapeError);
    expect(() => sgd().step({ w }, { w: wrong })).toThrow("sgd.step (argument 'w'): gradient of shape [2] does not match the parameter's shape [1, 2]");
    expect(() => sgd().step({ w }, { v: wrong })).toThrow("gradient 'v' has no parameter of that name");
    expect(w.value.dataSync()).toEqual(new Float32Array([1, 2]));
    w.dispose();
    wrong.dispose();
  });
});

describe("refusals change nothing", () => {
  const make = () => variable(tensor([1, 2]), { name: "w" });

  it("a plain Tensor instead of a Variable is refused, not skipped", () => {
    const w = tensor([1, 2]);
    const g = tensor([1, 1]);
    expect(() => sgd().step({ w } as never, { w: g })).toThrow(
      "sgd.step (argument 'w'): expected a Variable (from model.namedParameters() or variable(t)), got a plain Tensor, which an optimizer cannot update in place",
    );
    expect(() => sgd().step([w] as never, [g])).toThrow(ArgumentError);
  });

  it("step({}, {}) and a missing gradient record are refused", () => {
    expect(() => sgd().step({}, {})).toThrow("sgd.step (argument 'parameters'): got no parameters to update");
    const w = make();
    expect(() => adam().step({ w }, {})).toThrow("adam.step (argument 'gradients'): got no gradients");
    expect(() => adam().step({ w }, undefined as never)).toThrow("adam.step (argument 'gradients'): expected gradients by name (an object) or by position (an array), got undefined");
    w.dispose();
  });

  it("string hyper-parameters are refused as strings, not echoed as numbers", () => {
    expect(() => sgd({ lr: "0.1" as never })).toThrow('sgd (argument \'lr\'): expected a finite value in (0, ∞), got the string "0.1" (pass a number)');
    expect(() => adam({ beta1: "0.9" as never })).toThrow('got the string "0.9"');
  });

  it("a disposed gradient is named by the step, and nothing is updated", () => {
    const [a, b] = [variable(tensor([1]), { name: "a" }), variable(tensor([2]), { name: "b" })];
    const [ga, gb] = [tensor([1]), tensor([1])];
    gb.dispose();
    const optimizer = adam({ lr: 0.1 });
    expect(() => optimizer.step({ a, b }, { a: ga, b: gb })).toThrow("adam.step (argument 'b'): the gradient for 'b' was disposed before the step");
    expect([a.value.itemSync(), b.value.itemSync(), optimizer.iterations, Object.keys(optimizer.state().slots).length]).toEqual([1, 2, 0, 0]);
  });

  it("step is all or nothing: a failure in the second parameter's update leaves the first and the count unchanged", () => {
    class Failing extends Sgd {
      protected override update(value: Tensor, gradient: Tensor, slots: Slots | undefined, hyper: Hyper) {
        if (value.size === 3) throw new Error("boom");
        return super.update(value, gradient, slots, hyper);
      }
    }
    const a = variable(tensor([1, 2]), { name: "a" });
    const b = variable(tensor([1, 2, 3]), { name: "b" });
    const optimizer = new Failing({ lr: 0.5, momentum: 0.9 });
    const before = memory().tensors;
    expect(() => optimizer.step({ a, b }, { a: tensor([1, 1]), b: tensor([1, 1, 1]) })).toThrow("boom");
    expect([...a.value.dataSync()]).toEqual([1, 2]);
    expect(optimizer.iterations).toBe(0);
    expect(optimizer.state().slots).toEqual({});
    expect(memory().tensors).toBe(before + 2); // only the two gradients made for the call
  });

  it("loadState checks slot names, shapes and the step count before changing anything", () => {
    const w = make();
    const optimizer = adam({ lr: 0.1 });
    optimizer.step({ w }, { w: tensor([1, 1]) });
    const good = optimizer.state();
    const m = good.slots.w!.m!;
    const cases: [OptimizerState, string][] = [
      [{ ...good, slots: { w: { m, velocity: m } } }, "adam.loadState (argument 'w'): slot 'velocity' of 'w' is not kept by adam with these options; it keeps 'm', 'v'"],
      [{ ...good, slots: { w: { m, v: tensor([1, 2, 3]) } } }, "adam.loadState (argument 'w'): slot 'v' of 'w' has shape [3], expected [2] like its other slots"],
      [{ ...good, iterations: 1.5 }, "adam.loadState (argument 'iterations'): expected a whole step count ≥ 0, got 1.5"],
      [{ ...good, name: "sgd" }, "state of a 'sgd' optimizer cannot load into 'adam'"],
    ];
    const target = adam({ lr: 0.1 });
    target.step({ w: make() }, { w: tensor([5, 5]) });
    const snapshot = target.state();
    for (const [state, message] of cases) {
      expect(() => target.loadState(state)).toThrow(message);
      expect(target.iterations).toBe(1);
      expect([...target.state().slots.w!.m!.dataSync()]).toEqual([...snapshot.slots.w!.m!.dataSync()]);
    }
    // Against the parameters: a slot for a parameter of another shape, or for none.
    expect(() => target.loadState(good, { w: variable(tensor([1, 2, 3]), { name: "w" }) })).toThrow("slot 'm' of 'w' has shape [2], expected [3] like the parameter");
    expect(() => target.loadState(good, { u: make() })).toThrow("slot 'm' of 'w' belongs to no trainable parameter of that name");
    target.loadState(good, { w });
    expect(target.iterations).toBe(1);
  });
});

describe("guarded steps (decided on the device, without a read)", () => {
  it("a false guard leaves values, slots and the step count untouched, and the run continues exactly as without that step", () => {
    for (const make of [() => adam({ lr: 0.1 }), () => sgd({ lr: 0.1, momentum: 0.9 }), () => adagrad({ lr: 0.1, initialAccumulator: 0.5 }), () => rmsprop({ lr: 0.01, centered: true, momentum: 0.5 })]) {
      const guarded = make();
      const plain = make();
      const w1 = variable(tensor([1, -1], { dtype: "float64" }), { name: "w" });
      const w2 = variable(tensor([1, -1], { dtype: "float64" }), { name: "w" });
      const grads = [[Number.NaN, 1], [0.5, -0.5], [Number.POSITIVE_INFINITY, 0], [0.25, 1]];
      for (const g of grads) {
        const gradient = tensor(g, { dtype: "float64" });
        const finite = gradient.mul(0).sum().equal(0);
        guarded.step({ w: w1 }, { w: gradient }, { guard: finite });
        if (g.every(Number.isFinite)) plain.step({ w: w2 }, { w: gradient });
        finite.dispose();
        gradient.dispose();
      }
      expect([...w1.value.dataSync()]).toEqual([...w2.value.dataSync()]);
      expect(guarded.iterations).toBe(2);
      expect(guarded.iterations).toBe(plain.iterations);
    }
  });

  it("settle() reads the device count once; the count survives state() and a reload", async () => {
    const w = variable(tensor([1]), { name: "w" });
    const optimizer = adam();
    const g = tensor([1]);
    for (const ok of [true, false, true]) {
      const guard = tensor(ok);
      optimizer.step({ w }, { w: g }, { guard });
      guard.dispose();
    }
    optimizer.step({ w }, { w: g });
    expect(await optimizer.settle()).toBe(3);
    expect(optimizer.state().iterations).toBe(3);
    expect(() => optimizer.step({ w }, { w: g }, { guard: tensor([1]) })).toThrow("adam.step (argument 'guard'): expected a bool scalar tensor, got float32 of shape [1]");
  });
});
