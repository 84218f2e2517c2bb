import { cpu } from "@neurite/backend-cpu";
import { baseContractOnly, countingBackend } from "@neurite/backend-conformance";
import { constantsOf, memory, randomNormal, scalar, setBackend, tensor, tidy, variable, type Backend, type ElementwiseProgram, type MultiOutputProgram, type OutputSpec, type Tensor, type TensorInfo } from "@neurite/tensor-core";
import { afterAll, describe, expect, it } from "vitest";
import { adadelta, adagrad, adam, adamW, rmsprop, Sgd, sgd, type Optimizer } from "./index.js";

/**
 * Every update rule is one elementwise program per output. These tests hold the programs to the update
 * rules written as plain tensor ops (the form they replaced), bit for bit, on a backend that runs programs as
 * one kernel (backend-cpu) and on one that only has the base contract (the programs expanded into primitives).
 */

type Slots = Record<string, Tensor>;
type Reference = (w: Tensor, g: Tensor, slots: Slots | undefined, t: number) => { value: Tensor; slots: Slots };

const LR = 0.05;
const WD = 0.01;

/** The update rules as tensor ops, as they were written before programs (weight decay as an L2 term). */
const references: Record<string, { make: () => Optimizer; step: Reference }> = {
  adam: {
    make: () => adam({ lr: LR, weightDecay: WD }),
    step: (w, g0, s, t) => {
      const g = g0.add(w.mul(WD));
      const m = (s?.m === undefined ? g.mul(0) : s.m.mul(0.9)).add(g.mul(1 - 0.9));
      const v = (s?.v === undefined ? g.mul(0) : s.v.mul(0.999)).add(g.square().mul(1 - 0.999));
      const direction = m.div(1 - 0.9 ** t).div(v.div(1 - 0.999 ** t).sqrt().add(1e-8));
      return { value: w.sub(direction.mul(LR)), slots: { m, v } };
    },
  },
  adamW: {
    make: () => adamW({ lr: LR, weightDecay: WD }),
    step: (w, g, s, t) => {
      const m = (s?.m === undefined ? g.mul(0) : s.m.mul(0.9)).add(g.mul(1 - 0.9));
      const v = (s?.v === undefined ? g.mul(0) : s.v.mul(0.999)).add(g.square().mul(1 - 0.999));
      const direction = m.div(1 - 0.9 ** t).div(v.div(1 - 0.999 ** t).sqrt().add(1e-8));
      return { value: w.mul(1 - LR * WD).sub(direction.mul(LR)), slots: { m, v } };
    },
  },
  "sgd nesterov": {
    make: () => sgd({ lr: LR, momentum: 0.9, nesterov: true, weightDecay: WD }),
    step: (w, g0, s) => {
      const g = g0.add(w.mul(WD));
      const velocity = s?.velocity === undefined ? g : s.velocity.mul(0.9).add(g);
      return { value: w.sub(g.add(velocity.mul(0.9)).mul(LR)), slots: { velocity } };
    },
  },
  sgd: {
    make: () => sgd({ lr: LR }),
    step: (w, g) => ({ value: w.sub(g.mul(LR)), slots: {} }),
  },
  "rmsprop centered with momentum": {
    make: () => rmsprop({ lr: LR, centered: true, momentum: 0.5, weightDecay: WD }),
    step: (w, g0, s) => {
      const g = g0.add(w.mul(WD));
      const zero = g.mul(0);
      const squareAvg = (s?.squareAvg ?? zero).mul(0.99).add(g.square().mul(1 - 0.99));
      const gradAvg = (s?.gradAvg ?? zero).mul(0.99).add(g.mul(1 - 0.99));
      const scaled = g.div(squareAvg.sub(gradAvg.square()).sqrt().add(1e-8));
      const buffer = (s?.buffer ?? zero).mul(0.5).add(scaled);
      return { value: w.sub(buffer.mul(LR)), slots: { squareAvg, gradAvg, buffer } };
    },
  },
  rmsprop: {
    make: () => rmsprop({ lr: LR }),
    step: (w, g, s) => {
      const squareAvg = (s?.squareAvg ?? g.mul(0)).mul(0.99).add(g.square().mul(1 - 0.99));
      return { value: w.sub(g.div(squareAvg.sqrt().add(1e-8)).mul(LR)), slots: { squareAvg } };
    },
  },
  adagrad: {
    make: () => adagrad({ lr: LR, initialAccumulator: 0.1, weightDecay: WD }),
    step: (w, g0, s) => {
      const g = g0.add(w.mul(WD));
      const sum = (s?.sum ?? g.mul(0).add(0.1)).add(g.square());
      return { value: w.sub(g.div(sum.sqrt().add(1e-10)).mul(LR)), slots: { sum } };
    },
  },
  adadelta: {
    make: () => adadelta({ lr: LR, weightDecay: WD }),
    step: (w, g0, s) => {
      const g = g0.add(w.mul(WD));
      const zero = g.mul(0);
      const squareAvg = (s?.squareAvg ?? zero).mul(0.9).add(g.square().mul(1 - 0.9));
      const previous = s?.deltaAvg ?? zero;
      const delta = previous.add(1e-6).sqrt().div(squareAvg.add(1e-6).sqrt()).mul(g);
      const deltaAvg = previous.mul(0.9).add(delta.square().mul(1 - 0.9));
      return { value: w.sub(delta.mul(LR)), slots: { squareAvg, deltaAvg } };
    },
  },
};

const STEPS = 4;

/** Four steps of `name` on a [3, 5] parameter, by the optimizer and by its tensor-op reference: final values and slots. */
function run(name: string): { optimizer: number[][]; reference: number[][]; leaked: number } {
  const { make, step } = references[name]!;
  const gradients = Array.from({ length: STEPS }, (_, i) => randomNormal([3, 5], { seed: 10 + i }));
  const start = randomNormal([3, 5], { seed: 1 });
  const w = variable(start.clone(), { name: "w" });
  const optimizer = make();
  const before = memory().tensors;
  for (const g of gradients) optimizer.step({ w }, { w: g });
  const state = optimizer.state();
  const got = [[...w.value.dataSync()], ...Object.keys(state.slots.w ?? {}).sort().map((k) => [...state.slots.w![k]!.dataSync()])];
  const expected = tidy(() => {
    let value = start;
    let slots: Slots | undefined;
    gradients.forEach((g, i) => ({ value, slots } = step(value, g, slots, i + 1)));
    return [[...value.dataSync()], ...Object.keys(slots ?? {}).sort().map((k) => [...slots![k]!.dataSync()])];
  });
  for (const t of Object.values(state.slots.w ?? {})) t.dispose();
  optimizer.dispose();
  const leaked = memory().tensors - before;
  for (const g of gradients) g.dispose();
  start.dispose();
  w.dispose();
  return { optimizer: got, reference: expected, leaked };
}

const backends: [string, () => Backend][] = [
  ["backend-cpu (programs as one kernel)", () => cpu()],
  ["the base contract only (programs expanded)", () => baseContractOnly(cpu())],
];

describe.each(backends)("update programs on %s", (_label, make) => {
  const backend = make();

  it.each(Object.keys(references))("%s gives the tensor-op rule's bits", async (name) => {
    await setBackend(backend);
    const { optimizer, reference, leaked } = run(name);
    expect(optimizer.length).toBe(reference.length);
    optimizer.forEach((values, i) => expect(values).toEqual(reference[i]));
    expect(leaked).toBe(0);
  });

  it.each(Object.keys(references))("%s with a false guard changes no bit; with a true guard it is the unguarded step", async (name) => {
    await setBackend(backend);
    const { make } = references[name]!;
    const [g1, g2] = [randomNormal([3, 5], { seed: 2 }), randomNormal([3, 5], { seed: 3 })];
    const plain = variable(randomNormal([3, 5], { seed: 1 }), { name: "w" });
    const guarded = variable(plain.value.clone(), { name: "w" });
    const [a, b] = [make(), make()];
    a.step({ w: plain }, { w: g1 });
    // Skipped on the very first step: the slots keep their starting values and the count stays 0.
    b.step({ w: guarded }, { w: g1 }, { guard: scalar(false) });
    expect([...guarded.value.dataSync()]).toEqual([...tidy(() => randomNormal([3, 5], { seed: 1 })).dataSync()]);
    expect(b.iterations).toBe(0);
    b.step({ w: guarded }, { w: g1 }, { guard: scalar(true) });
    expect([...guarded.value.dataSync()]).toEqual([...plain.value.dataSync()]);
    const kept = [...guarded.value.dataSync()];
    const slots = b.state().slots.w ?? {};
    b.step({ w: guarded }, { w: g2 }, { guard: scalar(false) });
    expect([...guarded.value.dataSync()]).toEqual(kept);
    const after = b.state().slots.w ?? {};
    for (const k of Object.keys(slots)) expect([...after[k]!.dataSync()]).toEqual([...slots[k]!.dataSync()]);
    expect(b.iterations).toBe(1);
    for (const t of [...Object.values(slots), ...Object.values(after), g1, g2]) t.dispose();
    for (const o of [a, b, plain, guarded]) o.dispose();
  });
});

describe("kernel calls of one step (backend-cpu)", () => {
  const counting = countingBackend(cpu());
  afterAll(() => counting.reset());

  // Adam's three outputs (two moments, the parameter) are the results of one program.
  const ADAM = { elementwiseMulti: 1, elementwise: 1 };
  it.each([
    ["adam", () => adam({ weightDecay: 0.1 }), ADAM],
    ["adamW", () => adamW(), ADAM],
    ["sgd with momentum", () => sgd({ momentum: 0.9 }), 2],
    ["sgd", () => sgd(), 1],
    ["rmsprop centered with momentum", () => rmsprop({ centered: true, momentum: 0.9 }), 4],
    ["adagrad", () => adagrad(), 2],
    ["adadelta", () => adadelta(), 3],
  ] as const)("%s: one program per output (or one for all of them), guard included, and no scalar fills", async (_name, make, programs) => {
    await setBackend(counting.backend);
    const w = variable(tensor([1, 2, 3]), { name: "w" });
    const g = tensor([0.5, -0.5, 0.25]);
    const optimizer = make();
    const guard = scalar(true);
    // Two steps first: the second and later steps are the steady state (slots exist, count on the device).
    optimizer.step({ w }, { w: g }, { guard });
    optimizer.step({ w }, { w: g }, { guard });
    counting.reset();
    optimizer.step({ w }, { w: g }, { guard });
    const counts = counting.counts();
    // The update's programs, and one that advances the device's step count.
    expect(counts.byKernel).toEqual(typeof programs === "number" ? { elementwise: programs + 1 } : programs);
    expect(counts.scalarFills).toBe(0);
    for (const t of [w, g, guard, optimizer]) t.dispose();
  });

  it("the guard decides on the device: where(guard, new, old) is inside the programs, not extra kernels", async () => {
    await setBackend(counting.backend);
    const w = variable(tensor([1, 2]), { name: "w" });
    const g = tensor([Number.NaN, 1]);
    const optimizer = adam();
    // g·0 sums to 0 exactly when every element is finite.
    const finite = tidy(() => g.mul(0).sum().equal(0));
    counting.reset();
    optimizer.step({ w }, { w: g }, { guard: finite });
    expect(counting.counts().reads).toBe(0);
    expect([...w.value.dataSync()]).toEqual([1, 2]);
    for (const t of [w, g, finite, optimizer]) t.dispose();
  });
});

describe("compiled kernels are reused from step to step", () => {
  it("Adam's programs keep their keys while the bias corrections and the learning rate change (constants are not in the key)", async () => {
    const inner = cpu();
    const seen: { key: string; constants: number[] }[] = [];
    const recording = new Proxy(inner, {
      get(target, name, receiver) {
        if (name === "elementwiseMulti") {
          return (program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]) => {
            seen.push({ key: program.key, constants: program.nodes.flatMap((n) => (n.kind === "constant" ? [n.value] : [])) });
            return inner.elementwiseMulti!(program, inputs, outs);
          };
        }
        if (name !== "elementwise") return Reflect.get(target, name, receiver) as unknown;
        return (program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec) => {
          seen.push({ key: program.key, constants: constantsOf(program) });
          return inner.elementwise!(program, inputs, out);
        };
      },
    });
    await setBackend(recording);
    const w = variable(tensor([1, 2, 3]), { name: "w" });
    const optimizer = adam({ lr: 0.1 });
    const g = tensor([0.5, -0.5, 0.25]);
    const steps: (typeof seen)[] = [];
    for (let i = 0; i < 3; i++) {
      if (i === 2) optimizer.learningRate = 0.05;
      seen.length = 0;
      optimizer.step({ w }, { w: g });
      steps.push([...seen]);
    }
    // Step 1 starts the moments (another structure); steps 2 and 3 run the same kernel (moments and parameter)…
    expect(steps[1]!.map((s) => s.key)).toEqual(steps[2]!.map((s) => s.key));
    expect(steps[1]).toHaveLength(1);
    // … with other constants: step 3's bias corrections and the new rate.
    expect(steps[1]![0]!.constants).not.toEqual(steps[2]![0]!.constants);
    for (const t of [w, g, optimizer]) t.dispose();
  });
});

describe("built programs are reused from step to step", () => {
  it("guarded Adam builds its program once per learning rate, with the weights of building it every step", async () => {
    const inner = cpu();
    const programs: MultiOutputProgram[] = [];
    const recording = new Proxy(inner, {
      get(target, name, receiver) {
        if (name !== "elementwiseMulti") return Reflect.get(target, name, receiver) as unknown;
        return (program: MultiOutputProgram, inputs: readonly TensorInfo[], outs: readonly OutputSpec[]) => {
          programs.push(program);
          return inner.elementwiseMulti!(program, inputs, outs);
        };
      },
    });
    await setBackend(recording);
    const [guardedW, plainW] = [variable(tensor([1, 2, 3]), { name: "w" }), variable(tensor([1, 2, 3]), { name: "w" })];
    const [guarded, plain] = [adam({ lr: 0.1 }), adam({ lr: 0.1 })];
    const g = tensor([0.5, -0.5, 0.25]);
    const guard = scalar(true);
    const perStep: MultiOutputProgram[] = [];
    for (let i = 0; i < 5; i++) {
      if (i === 3) guarded.learningRate = plain.learningRate = 0.05;
      programs.length = 0;
      guarded.step({ w: guardedW }, { w: g }, { guard });
      perStep.push(programs[0]!);
      // Unguarded steps count on the host and build their program every step. Their bias corrections are
      // computed in float64 on the host, the guarded ones in the program from the device's count: the same
      // weights up to rounding, far closer than a stale learning rate would leave them (a step moves w by ~0.1).
      plain.step({ w: plainW }, { w: g });
      const [got, want] = [guardedW.value.dataSync(), plainW.value.dataSync()];
      got.forEach((x, j) => expect(Math.abs(x - want[j]!), `step ${i + 1}`).toBeLessThan(1e-5));
    }
    // Step 1 has no moments yet and counts on the host; step 2 starts the device count: then one program per rate.
    expect(perStep[2]).toBe(perStep[1]);
    expect(perStep[3]).not.toBe(perStep[2]);
    expect(perStep[4]).toBe(perStep[3]);
    for (const t of [guardedW, plainW, g, guard, guarded, plain]) t.dispose();
  });
});

describe("every rule builds each of its programs once per set of hyper-parameters", () => {
  const rules: [string, () => Optimizer][] = [
    ["sgd", () => sgd({ lr: 0.1 })],
    ["sgd nesterov", () => sgd({ lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ["rmsprop centered with momentum", () => rmsprop({ lr: 0.1, centered: true, momentum: 0.5, weightDecay: 0.01 })],
    ["rmsprop", () => rmsprop({ lr: 0.1 })],
    ["adagrad", () => adagrad({ lr: 0.1, weightDecay: 0.01 })],
    ["adadelta", () => adadelta({ lr: 0.1 })],
  ];
  it.each(rules)("%s: the same program objects from the second step on, new ones for a new learning rate", async (_name, make) => {
    const inner = cpu();
    const programs: ElementwiseProgram[] = [];
    const recording = new Proxy(inner, {
      get(target, name, receiver) {
        if (name !== "elementwise") return Reflect.get(target, name, receiver) as unknown;
        return (program: ElementwiseProgram, inputs: readonly TensorInfo[], out: OutputSpec) => {
          programs.push(program);
          return inner.elementwise!(program, inputs, out);
        };
      },
    });
    await setBackend(recording);
    const w = variable(tensor([1, 2, 3]), { name: "w" });
    const optimizer = make();
    const g = tensor([0.5, -0.5, 0.25]);
    const perStep: ElementwiseProgram[][] = [];
    for (let i = 0; i < 5; i++) {
      if (i === 3) optimizer.learningRate = 0.05;
      programs.length = 0;
      optimizer.step({ w }, { w: g });
      perStep.push([...programs]);
    }
    // Step 1 has no slots yet (other inputs); steps 2 and 3 reuse step 2's programs; step 4's rate reads anew.
    expect(perStep[1]!.length).toBeGreaterThan(0);
    perStep[2]!.forEach((program, i) => expect(program).toBe(perStep[1]![i]));
    expect(perStep[3]!.some((program, i) => program !== perStep[2]![i])).toBe(true);
    perStep[4]!.forEach((program, i) => expect(program).toBe(perStep[3]![i]));
    for (const t of [w, g, optimizer]) t.dispose();
  });
});

describe("an optimizer written with tensor ops", () => {
  it("is still guarded by the base class: a false guard keeps its value and slot", async () => {
    await setBackend(cpu());
    class HalfStep extends Sgd {
      protected override update(value: Tensor, gradient: Tensor, slots: Record<string, Tensor> | undefined) {
        const seen = (slots?.seen ?? gradient.mul(0)).add(1);
        return { value: value.sub(gradient.mul(0.5)), slots: { seen } };
      }
    }
    const w = variable(tensor([1, 2]), { name: "w" });
    const optimizer = new HalfStep({ lr: 0.1 });
    const g = tensor([1, 1]);
    optimizer.step({ w }, { w: g }, { guard: scalar(true) });
    optimizer.step({ w }, { w: g }, { guard: scalar(false) });
    const state = optimizer.state();
    expect([[...w.value.dataSync()], [...state.slots.w!.seen!.dataSync()], optimizer.iterations]).toEqual([[0.5, 1.5], [1, 1], 1]);
    for (const t of [w, g, optimizer, ...Object.values(state.slots.w!)]) t.dispose();
  });
});
