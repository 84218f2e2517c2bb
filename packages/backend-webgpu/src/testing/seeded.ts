// Kept apart from harness.ts (which loads Dawn, Node-only) so that browser tests can use it too.

/** Deterministic pseudo-random numbers for tests (an LCG), so failures reproduce. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
