import { cpu } from "@neurite/backend-cpu";
import {
  BackendError,
  conv2d,
  linear,
  maxPool2d,
  memory,
  randomNormal,
  randomUniform,
  setBackend,
  softmax,
  tensor,
  tidy,
  type Backend,
  type Tensor,
} from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { expectClose, randomValues, seeded, sharedGpu, TRANSCENDENTAL } from "./testing/harness.js";

/**
 * The backend seen through tensor-core's op layer, as a user sees it: composite ops (conv2d, pooling,
 * normal sampling) built from the primitives, the fused kernels picked up by `linear` and `softmax`, scopes
 * and memory counts. Every result is compared with the same program on backend-cpu.
 */
const backend = sharedGpu();
const reference: Backend = cpu();

async function onBoth(program: (backend: Backend) => Tensor, tol = TRANSCENDENTAL): Promise<void> {
  const gpu = await backend();
  const expected = Array.from(await tidy(() => program(reference)).data());
  const before = memory(gpu).tensors;
  const result = tidy(() => program(gpu));
  expectClose(Array.from(await result.data()), expected, tol);
  result.dispose();
  expect(memory(gpu).tensors).toBe(before);
}

describe("through tensor-core's op layer", () => {
  const rand = seeded(41);

  it("runs a dense layer with the fused kernel, then softmax", async () => {
    const xs = randomValues(rand, 8 * 5);
    const ws = randomValues(rand, 5 * 3);
    const bs = randomValues(rand, 3);
    await onBoth((backend) => {
      const x = tensor(xs, { shape: [8, 5], backend });
      const w = tensor(ws, { shape: [5, 3], backend });
      const b = tensor(bs, { shape: [3], backend });
      return softmax(linear(x, w, b, "tanh"));
    });
  });

  it("runs conv2d and max pooling composed from the primitives", async () => {
    const images = randomValues(rand, 2 * 7 * 7 * 3);
    const filters = randomValues(rand, 3 * 3 * 3 * 4);
    await onBoth((backend) => {
      const x = tensor(images, { shape: [2, 7, 7, 3], backend });
      const f = tensor(filters, { shape: [3, 3, 3, 4], backend });
      return maxPool2d(conv2d(x, f, { padding: "same" }), { poolSize: 2 });
    }, { atol: 1e-4, rtol: 1e-4 });
  });

  it("draws the same seeded uniforms bit for bit, and normals to float precision", async () => {
    await onBoth((backend) => randomUniform([1000], { seed: 7, min: -2, max: 3, backend }), { atol: 0, rtol: 1e-7 });
    await onBoth((backend) => randomNormal([999], { seed: 8, backend }), { atol: 1e-5, rtol: 1e-4 });
  });

  it("is a backend setBackend accepts as a promise, with an async-only read", async () => {
    const gpu = await backend();
    await setBackend(Promise.resolve(gpu));
    const t = tensor([1, 2, 3]).mul(2);
    expect(Array.from(await t.data())).toEqual([2, 4, 6]);
    expect(() => t.dataSync()).toThrow(BackendError);
    t.dispose();
    await setBackend(reference);
  });

  it("runs the README's first example", async () => {
    await setBackend(backend());
    const x = tensor([
      [1, 2],
      [3, 4],
    ]);
    const w = tensor([[0.5], [1]]);
    const b = tensor([0.5]);
    const y = linear(x, w, b, "relu");
    expect(Array.from(await y.data())).toEqual([3, 6]);
    for (const t of [x, w, b, y]) t.dispose();
    await setBackend(reference);
  });

  it("moves tensors between backends", async () => {
    const gpu = await backend();
    const t = tensor([1.5, -2, 3], { backend: reference });
    const moved = await t.toBackend(gpu);
    const back = await moved.neg().toBackend(reference);
    expect(Array.from(back.dataSync())).toEqual([-1.5, 2, -3]);
    for (const x of [t, moved, back]) x.dispose();
  });
});
