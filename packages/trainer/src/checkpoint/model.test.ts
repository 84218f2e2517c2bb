import { cpu } from "@neurite/backend-cpu";
import { dense, sequential, type Module } from "@neurite/layers";
import { adam, sgd } from "@neurite/optimizers";
import { setBackend, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, toTensors } from "./format.js";
import { loadTraining, saveTraining } from "./model.js";

beforeAll(async () => {
  await setBackend(cpu());
});

const weights = (m: Module): number[][] => Object.values(m.namedParameters()).map((v) => [...v.value.dataSync()]);

/** A trained model and its Adam optimizer (so both have state to save). */
function trained(seed: number): { model: Module; optimizer: ReturnType<typeof adam> } {
  const model = sequential([dense(2, 1, { seed })]);
  const optimizer = adam({ lr: 0.1 });
  const params = model.namedParameters();
  optimizer.step(params, { "0.weight": tensor([[1], [1]]), "0.bias": tensor([1]) });
  return { model, optimizer };
}

/** The checkpoint with its optimizer record's fields replaced. */
async function forged(bytes: Uint8Array, optimizer: Record<string, unknown>): Promise<Uint8Array> {
  const decoded = decodeCheckpoint(bytes, "original");
  const meta = decoded.meta as { optimizer: Record<string, unknown> };
  return encodeCheckpoint(toTensors(decoded), { ...meta, optimizer: { ...meta.optimizer, ...optimizer } } as never);
}

describe("loadTraining changes nothing when it refuses", () => {
  it.each([
    ["a model-only checkpoint with an optimizer given", async () => saveTraining(trained(1).model, null), "holds no optimizer state, but an optimizer was given"],
    ["SGD state into Adam", async () => {
      const { model } = trained(1);
      const momentum = sgd({ lr: 0.1, momentum: 0.9 });
      momentum.step(model.namedParameters(), { "0.weight": tensor([[1], [1]]), "0.bias": tensor([1]) });
      return saveTraining(model, momentum);
    }, "does not fit the optimizer: adam.loadState (argument 'state'): state of a 'sgd' optimizer cannot load into 'adam'"],
    ["a forged iteration count", async () => {
      const { model, optimizer } = trained(1);
      return forged(await saveTraining(model, optimizer), { iterations: -3 });
    }, "expected a whole step count ≥ 0, got -3"],
    ["a malformed optimizer record", async () => {
      const { model, optimizer } = trained(1);
      return forged(await saveTraining(model, optimizer), { learningRate: "0.1" });
    }, "has a malformed optimizer record"],
  ] as const)("%s: the model keeps its weights, the optimizer its state", async (_, make, message) => {
    const bytes = await make();
    const { model, optimizer } = trained(7);
    const [before, state] = [weights(model), optimizer.state()];
    const error: unknown = (() => {
      try {
        loadTraining(bytes, model, optimizer);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(message);
    expect(weights(model)).toEqual(before);
    expect(optimizer.iterations).toBe(state.iterations);
    expect([...optimizer.state().slots["0.weight"]!.m!.dataSync()]).toEqual([...state.slots["0.weight"]!.m!.dataSync()]);
  });

  it("slots whose shapes do not fit the model are refused before the model is written", async () => {
    const big = sequential([dense(3, 1, { seed: 1 })]);
    const bigOptimizer = adam();
    bigOptimizer.step(big.namedParameters(), { "0.weight": tensor([[1], [1], [1]]), "0.bias": tensor([1]) });
    const { model: small } = trained(2);
    const bytes = await saveTraining(small, bigOptimizer);
    const { model, optimizer } = trained(3);
    const before = weights(model);
    expect(() => loadTraining(bytes, model, optimizer)).toThrow("slot 'm' of '0.weight' has shape [3, 1], expected [2, 1] like the parameter");
    expect(weights(model)).toEqual(before);
  });

  it("a checkpoint that fits loads model and optimizer", async () => {
    const { model: source, optimizer: sourceOptimizer } = trained(1);
    const bytes = await saveTraining(source, sourceOptimizer);
    const { model, optimizer } = trained(5);
    loadTraining(bytes, model, optimizer);
    expect(weights(model)).toEqual(weights(source));
    expect(optimizer.iterations).toBe(1);
  });
});
