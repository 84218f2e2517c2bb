import { cpu } from "@neurite/backend-cpu";
import { memory, setBackend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "./config.js";
import { PlaneSession } from "./session.js";

beforeAll(async () => {
  await setBackend(cpu());
});

describe("PlaneSession", () => {
  it("lowers the loss on the spirals and changes the boundary, leaking nothing between snapshots", async () => {
    const session = new PlaneSession(DEFAULT_CONFIG, 16);
    const before = await session.snapshot();
    for (let i = 0; i < 150; i++) await session.step();
    const live = memory().tensors;
    for (let i = 0; i < 50; i++) await session.step();
    const after = await session.snapshot();
    expect(memory().tensors).toBe(live);
    expect(after.steps).toBe(200);
    expect(after.epoch).toBeGreaterThan(5);
    expect(after.trainLoss).toBeLessThan(before.trainLoss * 0.5);
    expect(after.trainAccuracy).toBeGreaterThan(before.trainAccuracy);
    const moved = after.grid.reduce((m, p, i) => Math.max(m, Math.abs(p - before.grid[i]!)), 0);
    expect(moved).toBeGreaterThan(0.2);
    session.dispose();
  });

  it("runs every mode, penalty and dropout with each activation", async () => {
    for (const activation of ["relu", "leakyRelu", "tanh", "sigmoid", "softsign", "step"] as const) {
      for (const mode of ["batch", "minibatch", "stochastic"] as const) {
        const session = new PlaneSession({ ...DEFAULT_CONFIG, dataset: "xor", mode, l1: 0.001, l2: 0.001, dropout: 0.2, hidden: [{ units: 4, activation }] }, 4);
        await session.step();
        const snapshot = await session.snapshot();
        expect(Number.isFinite(snapshot.trainLoss)).toBe(true);
        expect(snapshot.grid).toHaveLength(16);
        session.dispose();
      }
    }
  });
});
