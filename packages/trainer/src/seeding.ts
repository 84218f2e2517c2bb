import { Dropout, type Module } from "@neurite/layers";

/**
 * Gives every Dropout layer of `model` that has no seed of its own a stream derived from `seed` and the
 * layer's position, so the run draws the same masks whatever else draws random numbers meanwhile (another
 * `fit`, a timer). Returns the function that hands the layers back to their own stream. Without a seed
 * nothing changes (the layers keep the global stream).
 */
export function seedDropout(model: Module, seed: number | undefined): () => void {
  if (seed === undefined) return () => undefined;
  const layers = model
    .namedModules()
    .map(([, module]) => module)
    .filter((module): module is Dropout => module instanceof Dropout && module.seed === undefined);
  layers.forEach((layer, i) => {
    layer.reseed(streamSeed(seed, i));
  });
  return () => {
    for (const layer of layers) layer.reseed(undefined);
  };
}

/**
 * A seed for layer `index` of a run seeded with `seed`, far from its neighbours' streams: a layer draws from
 * seed + n on its n-th pass, so consecutive seeds would overlap.
 */
function streamSeed(seed: number, index: number): number {
  const mixed = (BigInt(seed) * 6364136223846793005n + BigInt(index + 1) * 1442695040888963407n) % 2n ** 53n;
  return Number(mixed);
}
