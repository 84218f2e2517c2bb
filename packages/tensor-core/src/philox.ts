/**
 * Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
 * generator. Output block j of a stream depends only on the 64-bit key and j, so any backend can compute any
 * element independently, and every backend produces the same stream bit for bit.
 *
 * Neurite's stream, which `Backend.randomUniform` implements:
 * - the key is `[seed mod 2³², ⌊seed / 2³²⌋]` for an integer seed 0 ≤ seed < 2⁵³;
 * - block j uses the counter `[j mod 2³², ⌊j / 2³²⌋, 0, 0]` and yields four 32-bit words;
 * - element i of a draw that starts at block `offset` is lane `i % 4` of block `offset + ⌊i / 4⌋`,
 *   mapped to `(word >>> 8) · 2⁻²⁴`, a float32-exact value in [0, 1);
 * - a draw of n elements advances the generator by ⌈n / 4⌉ blocks.
 */

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** High 32 bits of the 64-bit product of two uint32 values. */
function mulHi(a: number, b: number): number {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const lolo = aLo * bLo;
  const mid1 = aHi * bLo + (lolo >>> 16);
  const mid2 = aLo * bHi + (mid1 & 0xffff);
  return (aHi * bHi + (mid1 >>> 16) + (mid2 >>> 16)) >>> 0;
}

/** One Philox4x32-10 block: four uint32 words from a 4-word counter and a 2-word key. */
export function philox4x32(
  counter: readonly [number, number, number, number],
  key: readonly [number, number],
): [number, number, number, number] {
  let [c0, c1, c2, c3] = counter;
  let [k0, k1] = key;
  for (let round = 0; round < 10; round++) {
    const hi0 = mulHi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulHi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}

/** The Philox key of an integer seed in [0, 2⁵³). */
export function seedToKey(seed: number): [number, number] {
  return [seed % 0x100000000 >>> 0, Math.floor(seed / 0x100000000) >>> 0];
}

/** Number of Philox blocks a draw of `count` elements consumes. */
export function blocksFor(count: number): number {
  return Math.ceil(count / 4);
}

/** The reference implementation of the uniform stream: `count` values starting at block `offset`. */
export function philoxUniform(key: readonly [number, number], offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let block = 0; block * 4 < count; block++) {
    const j = offset + block;
    const words = philox4x32([j % 0x100000000 >>> 0, Math.floor(j / 0x100000000) >>> 0, 0, 0], key);
    for (let lane = 0; lane < 4 && block * 4 + lane < count; lane++) {
      out[block * 4 + lane] = (words[lane]! >>> 8) * 2 ** -24;
    }
  }
  return out;
}
