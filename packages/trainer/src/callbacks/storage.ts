/** Where checkpoint bytes go: a file (see `fileStorage` in @neurite/trainer/node), memory, or your own. */
export interface CheckpointStorage {
  /** Stores the bytes, replacing what was stored before; must leave the previous bytes intact on failure. */
  save(bytes: Uint8Array): Promise<void>;
  /** The stored bytes, or null when nothing was saved yet. */
  load(): Promise<Uint8Array | null>;
}

/** Keeps the latest checkpoint in memory (the browser default; serialize it wherever you like). */
export function memoryStorage(): CheckpointStorage & { readonly bytes: Uint8Array | null } {
  let stored: Uint8Array | null = null;
  return {
    get bytes() {
      return stored;
    },
    save(bytes) {
      stored = bytes.slice();
      return Promise.resolve();
    },
    load() {
      return Promise.resolve(stored === null ? null : stored.slice());
    },
  };
}
