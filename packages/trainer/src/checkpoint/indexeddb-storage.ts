import type { CheckpointStorage } from "../callbacks/storage.js";
import { CheckpointError } from "./format.js";

/** Options of {@link indexedDbStorage}. */
export interface IndexedDbStorageOptions {
  /** The database (default "neurite-checkpoints"); one object store, "checkpoints", holds every key. */
  readonly database?: string;
  /** The IndexedDB factory (default `globalThis.indexedDB`): pass one in a worker or a test environment. */
  readonly indexedDB?: IDBFactory;
}

const STORE = "checkpoints";

/**
 * Checkpoints in the browser's IndexedDB, under `key`, so they survive a reload. A save is one IndexedDB
 * transaction: it commits whole or not at all, so a tab closed in the middle of a save leaves the previous
 * checkpoint intact. Works in windows and in Web Workers.
 *
 * @example
 * ```ts
 * // In a browser (or a Web Worker):
 * const storage = indexedDbStorage("course-notes-model", { indexedDB: globalThis.indexedDB });
 * const model = sequential([dense(3, 8, { activation: "tanh" }), dense(8, 1)]);
 * await fit(model, courseNotesTable(), { loss: mse, optimizer: adam(), epochs: 10, callbacks: [checkpoint({ storage })] });
 * loadTraining((await storage.load())!, model); // after a reload, too
 * ```
 */
export function indexedDbStorage(key: string, options: IndexedDbStorageOptions = {}): CheckpointStorage & { clear(): Promise<void> } {
  const name = options.database ?? "neurite-checkpoints";
  const where = `indexedDB ${name}/${key}`;
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  let opened: Promise<IDBDatabase> | undefined;
  const database = (): Promise<IDBDatabase> => {
    if (factory === undefined) return Promise.reject(new CheckpointError(where, "this environment has no IndexedDB; pass options.indexedDB, or use memoryStorage()"));
    opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(STORE);
      };
      request.onsuccess = () => {
        resolve(request.result);
      };
      request.onerror = () => {
        reject(new CheckpointError(where, `cannot open the database: ${request.error?.message ?? "unknown error"}`));
      };
      request.onblocked = () => {
        reject(new CheckpointError(where, "opening the database is blocked by another tab holding an older version"));
      };
    });
    return opened;
  };
  // Runs one request in its own transaction; resolves when the transaction has committed.
  const run = async <T>(mode: IDBTransactionMode, action: (store: IDBObjectStore) => IDBRequest<T>, doing: string): Promise<T> => {
    const db = await database();
    return new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = action(transaction.objectStore(STORE));
      const fail = (): void => {
        const error = transaction.error ?? request.error;
        reject(new CheckpointError(where, `${doing} failed: ${error?.name ?? "Error"}: ${error?.message ?? "the transaction was aborted"}`));
      };
      transaction.oncomplete = () => {
        resolve(request.result);
      };
      transaction.onerror = fail;
      transaction.onabort = fail;
    });
  };
  return {
    async save(bytes) {
      // A copy: the caller may reuse its buffer, and IndexedDB stores what it is given by structured clone.
      await run("readwrite", (store) => store.put(bytes.slice(), key), "saving");
    },
    async load() {
      const value: unknown = await run("readonly", (store) => store.get(key), "loading");
      if (value === undefined) return null;
      if (!(value instanceof Uint8Array)) throw new CheckpointError(where, `holds ${Object.prototype.toString.call(value)}, not checkpoint bytes`);
      return value;
    },
    async clear() {
      await run("readwrite", (store) => store.delete(key), "clearing");
    },
  };
}
