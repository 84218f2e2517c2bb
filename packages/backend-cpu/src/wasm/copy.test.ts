import { describe, expect, it } from "vitest";
import { cpu } from "../index.js";
import { seeded } from "../testing/helpers.js";

/**
 * The movement kernels' copy plans run in the Wasm heap (wasm/copy.ts) against the same plans on typed arrays
 * (the TypeScript path): the same elements bit for bit — random float32 bit patterns (signed zeros,
 * subnormals, infinities; NaNs compared as NaN) and int32 — over transposes, broadcasts, strided slices
 * (negative steps too), pads and concats of ranks 0 to 6 (walks of more than four axes once collapsed fall back
 * to the TypeScript kernel, with the same result).
 */

const wasm = cpu({ kernels: "wasm" });
const js = cpu({ kernels: "js" });
const rand = seeded(31);

type Case = { shape: number[]; dtype: "float32" | "int32" };

function values({ shape, dtype }: Case): Float32Array | Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (dtype === "int32") return Int32Array.from({ length: n }, () => Math.floor(rand() * 2 ** 32) | 0);
  // Random bit patterns: NaNs, infinities, subnormals and −0 among them.
  return new Float32Array(Int32Array.from({ length: n }, () => Math.floor(rand() * 2 ** 32) | 0).buffer);
}

function both(c: Case) {
  const v = values(c);
  return [wasm, js].map((b) => ({ data: b.upload(v, c.dtype), shape: c.shape, dtype: c.dtype }));
}

/**
 * Each element's bits, NaNs as one "NaN": the Wasm copy moves words (a NaN keeps its payload), while the
 * TypeScript loop reads a float32 into a JavaScript number and back, which quiets a signalling NaN.
 */
function bits(a: Float32Array | Int32Array): (number | string)[] {
  const words = Array.from(new Int32Array(a.buffer, a.byteOffset, a.length));
  return a instanceof Float32Array ? words.map((w, i) => (Number.isNaN(a[i]) ? "NaN" : w)) : words;
}

function randomShape(rank: number): number[] {
  return Array.from({ length: rank }, () => 1 + Math.floor(rand() * 5));
}

describe("movement kernels in the Wasm heap", () => {
  it("transpose, broadcastTo, slice, pad and concat: the TypeScript kernels' bits, ranks 0–6, float32 and int32", () => {
    let checked = 0;
    for (let trial = 0; trial < 300; trial++) {
      const rank = Math.floor(rand() * 7);
      const dtype: "float32" | "int32" = rand() < 0.5 ? "float32" : "int32";
      const shape = randomShape(rank);
      const [xw, xj] = both({ shape, dtype });
      const kind = ["transpose", "broadcastTo", "slice", "pad", "concat"][trial % 5]!;
      let got: ArrayLike<number>;
      let want: ArrayLike<number>;
      if (kind === "transpose") {
        const perm = shape.map((_, i) => i).sort(() => rand() - 0.5);
        const out = { shape: perm.map((p) => shape[p]!), dtype };
        [got, want] = [wasm.readSync!(wasm.transpose(xw!, perm, out)), js.readSync!(js.transpose(xj!, perm, out))];
      } else if (kind === "broadcastTo") {
        const outShape = [2, ...shape.map((s) => (s === 1 ? 3 : s))];
        const out = { shape: outShape, dtype };
        [got, want] = [wasm.readSync!(wasm.broadcastTo(xw!, out)), js.readSync!(js.broadcastTo(xj!, out))];
      } else if (kind === "slice") {
        // Steps of ±1 and ±2: a negative step walks the axis backwards from `begin`.
        const begin = shape.map((s) => Math.floor(rand() * s));
        const step = shape.map(() => (1 + Math.floor(rand() * 2)) * (rand() < 0.3 ? -1 : 1));
        const out = { shape: shape.map((s, i) => (step[i]! > 0 ? Math.ceil((s - begin[i]!) / step[i]!) : Math.ceil((begin[i]! + 1) / -step[i]!))), dtype };
        [got, want] = [wasm.readSync!(wasm.slice(xw!, begin, step, out)), js.readSync!(js.slice(xj!, begin, step, out))];
      } else if (kind === "pad") {
        const paddings = shape.map(() => [Math.floor(rand() * 3), Math.floor(rand() * 3)] as [number, number]);
        const out = { shape: shape.map((s, i) => s + paddings[i]![0] + paddings[i]![1]), dtype };
        const value = dtype === "int32" ? -7 : -Infinity;
        [got, want] = [wasm.readSync!(wasm.pad(xw!, paddings, value, out)), js.readSync!(js.pad(xj!, paddings, value, out))];
      } else {
        if (rank === 0) continue;
        const axis = Math.floor(rand() * rank);
        const others = [randomShape(rank), randomShape(rank)].map((s) => s.map((v, i) => (i === axis ? v : shape[i]!)));
        const [o1, o2] = others.map((s) => both({ shape: s, dtype }));
        const out = { shape: shape.map((s, i) => (i === axis ? s + others[0]![i]! + others[1]![i]! : s)), dtype };
        got = wasm.readSync!(wasm.concat([xw!, o1![0]!, o2![0]!], axis, out));
        want = js.readSync!(js.concat([xj!, o1![1]!, o2![1]!], axis, out));
      }
      expect(bits(got as Float32Array | Int32Array), `${kind} of [${shape.join(", ")}] ${dtype}`).toEqual(bits(want as Float32Array | Int32Array));
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
  });

  it("outputs live in the heap (the next Wasm kernel reads them there) and memory stays exact", () => {
    const backend = cpu({ kernels: "wasm" });
    const x = { data: backend.upload(Float32Array.from({ length: 24 }, (_, i) => i), "float32"), shape: [2, 3, 4], dtype: "float32" as const };
    const before = backend.heap().usedBytes;
    const y = backend.transpose(x, [2, 0, 1], { shape: [4, 2, 3], dtype: "float32" });
    expect(backend.heap().usedBytes).toBeGreaterThan(before);
    expect(Array.from(backend.readSync!(y)).slice(0, 6)).toEqual([0, 4, 8, 12, 16, 20]);
    expect(backend.memory()).toEqual({ buffers: 2, bytes: 2 * 24 * 4 });
  });
});
