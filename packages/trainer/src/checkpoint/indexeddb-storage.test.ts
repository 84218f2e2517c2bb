// indexedDbStorage against fake-indexeddb, a complete IndexedDB implementation in JavaScript (it passes the
// W3C web-platform tests), since Node has no IndexedDB; the docs' browser test runs it in Chromium too.
import { cpu } from "@neurite/backend-cpu";
import { dense, sequential } from "@neurite/layers";
import { adam } from "@neurite/optimizers";
import { setBackend, tensor } from "@neurite/tensor-core";
import { IDBFactory } from "fake-indexeddb";
import { beforeAll, describe, expect, it } from "vitest";
import { checkpoint } from "../callbacks/checkpoint.js";
import { fit } from "../fit.js";
import { indexedDbStorage } from "./indexeddb-storage.js";
import { CheckpointError } from "./format.js";
import { loadTraining } from "./model.js";

beforeAll(async () => {
  await setBackend(cpu());
});

describe("indexedDbStorage", () => {
  it("loads null before the first save, then the latest bytes", async () => {
    const storage = indexedDbStorage("model", { indexedDB: new IDBFactory() });
    expect(await storage.load()).toBeNull();
    await storage.save(new Uint8Array([1, 2, 3]));
    await storage.save(new Uint8Array([4, 5]));
    expect(Array.from((await storage.load())!)).toEqual([4, 5]);
  });

  it("keeps what it saved when the caller reuses its buffer", async () => {
    const storage = indexedDbStorage("model", { indexedDB: new IDBFactory() });
    const bytes = new Uint8Array([7, 8, 9]);
    await storage.save(bytes);
    bytes.fill(0);
    expect(Array.from((await storage.load())!)).toEqual([7, 8, 9]);
  });

  it("persists across storages opened on the same database, keys kept apart", async () => {
    const factory = new IDBFactory();
    await indexedDbStorage("a", { indexedDB: factory, database: "db" }).save(new Uint8Array([1]));
    await indexedDbStorage("b", { indexedDB: factory, database: "db" }).save(new Uint8Array([2]));
    expect(Array.from((await indexedDbStorage("a", { indexedDB: factory, database: "db" }).load())!)).toEqual([1]);
    expect(Array.from((await indexedDbStorage("b", { indexedDB: factory, database: "db" }).load())!)).toEqual([2]);
    const other = indexedDbStorage("a", { indexedDB: factory, database: "other" });
    expect(await other.load()).toBeNull();
  });

  it("clear removes the checkpoint", async () => {
    const storage = indexedDbStorage("model", { indexedDB: new IDBFactory() });
    await storage.save(new Uint8Array([1]));
    await storage.clear();
    expect(await storage.load()).toBeNull();
  });

  it("holds the best checkpoint of a fit, which restores the model's weights", async () => {
    const storage = indexedDbStorage("xor", { indexedDB: new IDBFactory() });
    const data = { x: tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), y: tensor([[0], [1], [1], [0]]) };
    const model = sequential([dense(2, 4, { activation: "tanh", seed: 1 }), dense(4, 1, { seed: 2 })]);
    const saver = checkpoint({ storage, monitor: "loss" });
    await fit(model, data, { loss: (p, t) => p.sub(t).square().mean(), optimizer: adam({ lr: 0.05 }), epochs: 5, mode: "batch", callbacks: [saver] });
    expect(saver.saves).toBe(5);
    const fresh = sequential([dense(2, 4, { activation: "tanh", seed: 9 }), dense(4, 1, { seed: 10 })]);
    loadTraining((await storage.load())!, fresh);
    const [a, b] = [model, fresh].map((m) => Array.from(m.forward(data.x).dataSync()));
    expect(b).toEqual(a);
  });

  it("without IndexedDB, a CheckpointError says what to do", async () => {
    const storage = indexedDbStorage("model");
    await expect(storage.load()).rejects.toThrow(CheckpointError);
    await expect(storage.save(new Uint8Array([1]))).rejects.toThrow(/no IndexedDB; pass options.indexedDB, or use memoryStorage/);
  });

  it("a value that is not checkpoint bytes is refused, naming the database and key", async () => {
    const factory = new IDBFactory();
    const storage = indexedDbStorage("model", { indexedDB: factory });
    await storage.save(new Uint8Array([1])); // creates the store
    await new Promise<void>((resolve, reject) => {
      const open = factory.open("neurite-checkpoints", 1);
      open.onsuccess = () => {
        const tx = open.result.transaction("checkpoints", "readwrite");
        tx.objectStore("checkpoints").put("not bytes", "model");
        tx.oncomplete = () => { resolve(); };
        tx.onerror = () => { reject(new Error("put failed")); };
      };
    });
    await expect(storage.load()).rejects.toThrow(/indexedDB neurite-checkpoints\/model.*\[object String\]/);
  });
});
