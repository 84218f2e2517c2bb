import type { DType } from "@neurite/tensor-core";
import { store } from "./reference/nd.js";

/**
 * The kit's own small deterministic generator (mulberry32), for case inputs. Each case seeds it from its name,
 * so a case's inputs do not depend on which other cases ran, and a failure reproduces exactly.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A generator seeded by a string (FNV-1a of its UTF-16 code units). */
  static from(text: string): Rng {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** `count` values drawn by `draw`, stored exactly as `dtype` would store them. */
  values(count: number, dtype: DType, draw: (rng: Rng) => number): number[] {
    return Array.from({ length: count }, () => store(draw(this), dtype));
  }

  /** `count` values for `dtype` in a default range: floats in [lo, hi), int32 in [lo, hi] rounded, bool 0/1. */
  range(count: number, dtype: DType, lo = -5, hi = 5): number[] {
    if (dtype === "bool") return this.values(count, dtype, (r) => (r.next() < 0.5 ? 0 : 1));
    if (dtype === "int32") return this.values(count, dtype, (r) => r.int(Math.ceil(lo), Math.floor(hi)));
    return this.values(count, dtype, (r) => r.uniform(lo, hi));
  }
}

