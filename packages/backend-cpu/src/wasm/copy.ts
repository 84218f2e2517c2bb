import { collapseAxes, type StridedWalk } from "@neurite/tensor-core";
import { OP, type ModuleBuilder } from "./emitter.js";
import type { Kernels } from "./runtime.js";

/**
 * The strided copy of 4-byte elements (float32, int32) in WebAssembly: what transpose, broadcastTo, slice, pad
 * and concat are on the Wasm path (see kernels/movement.ts, whose copy plans both paths run). Elements move as
 * i32 words, so every bit pattern (NaN payloads too) arrives unchanged.
 *
 * run(src, dst, n0…n3, s0…s3, d0…d3): a walk of up to four axes (sizes n, byte strides s for the source and d
 * for the destination, the last axis innermost); a walk of fewer axes is padded with leading axes of size 1.
 */

const AXES = 4;

function emitCopy(m: ModuleBuilder): void {
  m.fn("run", new Array<"i32">(2 + 3 * AXES).fill("i32"), [], (f) => {
    const [src, dst] = [0, 1];
    const size = (a: number) => 2 + a;
    const from = (a: number) => 2 + AXES + a;
    const to = (a: number) => 2 + 2 * AXES + a;
    const counters = Array.from({ length: AXES }, () => f.local("i32"));
    const [s, d, vectors, contiguous] = [f.local("i32"), f.local("i32"), f.local("i32"), f.local("i32")];
    // Each axis keeps the source and destination addresses its row starts at; the innermost moves one word.
    const starts = Array.from({ length: AXES }, () => [f.local("i32"), f.local("i32")] as const);
    const axis = (a: number, outerS: number, outerD: number): void => {
      const [rowS, rowD] = starts[a]!;
      f.get(outerS).set(rowS).get(outerD).set(rowD);
      f.i32(0).set(counters[a]!);
      if (a === AXES - 1) {
        // A contiguous row (both strides one word) moves four words at a time first.
        f.get(contiguous).op(OP.if, 0x40);
        f.forLoop(counters[a]!, vectors, 4, () => {
          f.get(rowD).get(rowS).v128Load().v128Store();
          f.get(rowS).i32(16).op(OP.i32Add).set(rowS);
          f.get(rowD).i32(16).op(OP.i32Add).set(rowD);
        });
        f.op(OP.end);
      }
      f.forLoop(counters[a]!, size(a), 1, () => {
        if (a === AXES - 1) f.get(rowD).get(rowS).mem(OP.i32Load, 2).mem(OP.i32Store, 2);
        else axis(a + 1, rowS, rowD);
        f.get(rowS).get(from(a)).op(OP.i32Add).set(rowS);
        f.get(rowD).get(to(a)).op(OP.i32Add).set(rowD);
      });
    };
    f.get(size(AXES - 1)).i32(-4).op(OP.i32And).set(vectors);
    f.get(from(AXES - 1)).i32(4).op(OP.i32Eq).get(to(AXES - 1)).i32(4).op(OP.i32Eq).op(OP.i32And).set(contiguous);
    f.get(src).set(s).get(dst).set(d);
    axis(0, s, d);
  });
}

type Run = (...args: number[]) => unknown;

/** The strided copy kernel of one heap; offsets are heap bytes, strides are elements. */
export class WasmCopy {
  private run: Run | null = null;

  constructor(private readonly kernels: Kernels) {}

  /**
   * The walk of `shape` elements read with `srcStrides` and written with `dstStrides` (in elements), collapsed;
   * null when it keeps more axes than the kernel walks.
   */
  static walk(shape: readonly number[], srcStrides: readonly number[], dstStrides: readonly number[]): StridedWalk | null {
    const walk = collapseAxes(shape, [srcStrides, dstStrides]);
    return walk.shape.length <= AXES ? walk : null;
  }

  /** Copies along `walk` (from `WasmCopy.walk`) from heap byte offset `src` to `dst`. */
  copy(src: number, dst: number, walk: StridedWalk): void {
    const rank = walk.shape.length;
    const lead = AXES - rank;
    const args: number[] = [src, dst];
    for (let a = 0; a < AXES; a++) args.push(a < lead ? 1 : walk.shape[a - lead]!);
    for (const strides of walk.strides) for (let a = 0; a < AXES; a++) args.push(a < lead ? 0 : 4 * strides[a - lead]!);
    this.run ??= this.kernels.get("copy", emitCopy).run!;
    this.run(...args);
  }
}
