import { broadcastShapes, ProgramBuilder, resultProgram, type Backend, type BinaryOp, type DataId, type DType, type FusedActivation, type TensorInfo, type UnaryOp } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { cpu } from "../index.js";
import { seeded } from "../testing/helpers.js";
import { broadcastable, pick, randomProgram } from "../testing/programs.js";
import { compiles } from "./program.js";

/**
 * cpu-wasm against cpu-js on the same random inputs: every op the Wasm path covers, over shapes chosen to
 * hit the awkward cases (rows that are not whole vectors, every broadcast pattern, tiles and blocks cut
 * short), plus guard tensors allocated around each result, which must come out untouched.
 */

const wasm = cpu({ kernels: "wasm" });
const js = cpu({ kernels: "js" });

function upload(backend: Backend, values: Float32Array | Uint8Array | Int32Array, shape: readonly number[], dtype: DType = "float32"): TensorInfo {
  return { data: backend.upload(values, dtype), shape, dtype };
}

function both(values: Float32Array | Uint8Array | Int32Array, shape: readonly number[], dtype: DType = "float32"): [TensorInfo, TensorInfo] {
  return [upload(wasm, values, shape, dtype), upload(js, values, shape, dtype)];
}

/** Values in [-3, 3), a few of them special (0, -0, ±∞, NaN) when `special`. */
function values(rand: () => number, size: number, special = false): Float32Array {
  const out = Float32Array.from({ length: size }, () => rand() * 6 - 3);
  if (special) {
    const specials = [0, -0, Infinity, -Infinity, Number.NaN, 100, -100];
    for (let i = 0; i < size; i += 5) out[i] = specials[(i / 5) % specials.length]!;
  }
  return out;
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) {
      expect(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${label}: element ${i}: ${g} vs ${w}`).toBe(true);
    } else if (!(Math.abs(g - w) <= atol + rtol * Math.abs(w))) {
      expect.fail(`${label}: element ${i}: wasm ${g}, js ${w}`);
    }
  }
}

/** Runs `op` on wasm with guard tensors allocated right before and after the result; checks the guards. */
function guarded(op: () => DataId): DataId {
  const guard = new Float32Array(64).fill(7);
  const before = wasm.upload(guard, "float32");
  const beforeId = { data: before, shape: [64], dtype: "float32" } as const;
  // Move the guard into the heap next to where the result will go, by running a kernel on it.
  const inHeap = wasm.unary("neg", beforeId, { shape: [64], dtype: "float32" });
  const result = op();
  const after = wasm.unary("neg", beforeId, { shape: [64], dtype: "float32" });
  expect(Array.from(wasm.readSync!(inHeap))).toEqual(new Array(64).fill(-7));
  expect(Array.from(wasm.readSync!(after))).toEqual(new Array(64).fill(-7));
  for (const id of [before, inHeap, after]) wasm.disposeData(id);
  return result;
}

/** Shape pairs that broadcast, with row lengths that are and are not whole vectors. */
const broadcasts: [number[], number[]][] = [
  [[7], [7]],
  [[3, 5], [3, 5]],
  [[3, 5], []],
  [[], [2, 9]],
  [[5], [2, 3, 5]],
  [[8, 1], [8]],
  [[2, 1, 3], [4, 1]],
  [[1, 17], [6, 1]],
  [[33, 18], [18]],
  [[0, 3], [1, 3]],
  // Walks of four and five axes: the loop's planes, and whole loops per outer position.
  [[3, 1, 2, 1], [1, 4, 1, 5]],
  [[2, 1, 3, 1, 5], [4, 1, 6, 1]],
];

const ARITHMETIC: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum"];
const EXACT: BinaryOp[] = ["add", "sub", "mul", "div", "maximum", "minimum", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual"];

describe("cpu-wasm against cpu-js", () => {
  const rand = seeded(5);

  for (const op of EXACT) {
    it(`binary ${op}: the same values bit for bit, for every broadcast pattern`, () => {
      for (const [sa, sb] of broadcasts) {
        const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
        const [aw, aj] = both(values(rand, size(sa), true), sa);
        const [bw, bj] = both(values(rand, size(sb), true), sb);
        const out = { shape: broadcastShapes("test", sa, sb), dtype: (ARITHMETIC.includes(op) ? "float32" : "bool") as DType };
        const got = wasm.readSync!(guarded(() => wasm.binary(op, aw, bw, out)));
        const want = js.readSync!(js.binary(op, aj, bj, out));
        expect(Array.from(got), `${op} [${sa.join(", ")}] with [${sb.join(", ")}]`).toEqual(Array.from(want));
      }
    });
  }

  const unaries: [UnaryOp, number][] = [["neg", 0], ["abs", 0], ["sqrt", 0], ["floor", 0], ["ceil", 0], ["round", 0], ["exp", 2e-7], ["expm1", 3e-7], ["log", 2e-7], ["log1p", 3e-7], ["tanh", 3e-7]];
  for (const [op, rtol] of unaries) {
    it(`unary ${op}${rtol === 0 ? " bit for bit" : " within a few ulp"}, special values included`, () => {
      for (const size of [1, 3, 4, 5, 31, 64, 1001]) {
        const x = values(rand, size, true);
        if (op === "exp") for (let i = 0; i < size; i += 7) x[i] = [88.7, -87.4, 50, -50, 1e-8][(i / 7) % 5]!;
        const [xw, xj] = both(x, [size]);
        const out = { shape: [size], dtype: "float32" } as const;
        const got = wasm.readSync!(guarded(() => wasm.unary(op, xw, out)));
        const want = js.readSync!(js.unary(op, xj, out));
        if (rtol === 0) expect(Array.from(got)).toEqual(Array.from(want));
        else close(got, want, rtol, 1e-37, `${op} [${size}]`);
      }
    });
  }

  it("where, for every broadcast pattern of condition and branches", () => {
    const patterns: [number[], number[], number[]][] = [
      [[13], [13], [13]],
      [[13], [], [13]],
      [[13], [13], []],
      [[], [5], [5]],
      [[3, 1], [1, 6], [3, 6]],
      [[2, 7], [7], []],
    ];
    for (const [sc, sa, sb] of patterns) {
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const [cw, cj] = both(Uint8Array.from({ length: size(sc) }, () => (rand() < 0.5 ? 1 : 0)), sc, "bool");
      const [aw, aj] = both(values(rand, size(sa), true), sa);
      const [bw, bj] = both(values(rand, size(sb), true), sb);
      const out = { shape: broadcastShapes("test", broadcastShapes("test", sc, sa), sb), dtype: "float32" } as const;
      const got = wasm.readSync!(guarded(() => wasm.where(cw, aw, bw, out)));
      expect(Array.from(got)).toEqual(Array.from(js.readSync!(js.where(cj, aj, bj, out))));
    }
  });

  it("sum, max and min over the last axes, the leading axes, everything, and layouts left to TypeScript", () => {
    const cases: [number[], number[]][] = [
      [[7], [0]],
      [[1000], [0]],
      [[3, 5], [1]],
      [[3, 5], [0]],
      [[3, 5], [0, 1]],
      [[2, 3, 4], [1, 2]],
      [[2, 3, 4], [0, 1]],
      [[2, 3, 4], [0, 2]],
      [[64, 131], [0]],
      [[131, 64], [1]],
      [[1, 9, 1], [1]],
      [[4, 1, 6], [0, 1]],
      [[5, 1], [1]],
      [[33, 18], [1]],
      // Rows past the 16-wide loop (a 4-wide block and single floats left), and an odd row count for the paired column pass.
      [[3, 47], [1]],
      [[5, 100], [1]],
      [[65, 37], [0]],
      // Middle axes, block by block: a pooling window's taps ([N, oh, ow, taps, C] over taps), an odd tap count.
      [[2, 3, 3, 4, 8], [3]],
      [[5, 3, 7], [1]],
      [[3, 4, 5, 6], [1, 2]],
    ];
    for (const op of ["sum", "max", "min"] as const) {
      for (const [shape, axes] of cases) {
        const size = shape.reduce((x, y) => x * y, 1);
        // Specials in some inputs only, so that most rows have finite results to compare.
        const [xw, xj] = both(values(rand, size, size % 2 === 1), shape);
        const outShape = shape.filter((_, d) => !axes.includes(d));
        const out = { shape: outShape, dtype: "float32" } as const;
        const got = wasm.readSync!(guarded(() => wasm.reduce(op, xw, axes, out)));
        const want = js.readSync!(js.reduce(op, xj, axes, out));
        const count = size / Math.max(1, outShape.reduce((x, y) => x * y, 1));
        close(got, want, 1e-6, 1e-6 * count, `${op} [${shape.join(", ")}] over [${axes.join(", ")}]`);
      }
    }
    // Which ran in Wasm: its output is a heap block (the TypeScript kernel's is a JavaScript array).
    const inHeap = (shape: number[], axes: number[]) => {
      const [x] = both(values(rand, shape.reduce((a, b) => a * b, 1)), shape);
      wasm.disposeData(wasm.unary("neg", x, { shape, dtype: "float32" })); // moves x into the heap first
      const before = wasm.heap().usedBytes;
      const y = wasm.reduce("sum", x, axes, { shape: shape.filter((_, d) => !axes.includes(d)), dtype: "float32" });
      const grew = wasm.heap().usedBytes > before;
      wasm.disposeData(y);
      return grew;
    };
    expect(inHeap([3, 5], [1])).toBe(true);
    expect(inHeap([64, 131], [0])).toBe(true);
    expect(inHeap([3, 5], [0, 1])).toBe(true);
    expect(inHeap([2, 3, 4, 5], [1, 2])).toBe(true);
    expect(inHeap([2, 3, 4], [0, 2])).toBe(false);
  });

  it("matmul in every layout, batched with broadcasting, sizes around the tile and block edges", () => {
    const cases: [number[], number[], boolean, boolean, number[]][] = [
      [[5, 7], [7, 9], false, false, [5, 9]],
      [[7, 5], [7, 9], true, false, [5, 9]],
      [[5, 7], [9, 7], false, true, [5, 9]],
      [[7, 5], [9, 7], true, true, [5, 9]],
      [[2, 3, 4], [4, 6], false, false, [2, 3, 6]],
      [[3, 1, 4, 10], [2, 10, 3], false, false, [3, 2, 4, 3]],
      [[64, 300], [300, 130], false, false, [64, 130]],
      [[300, 64], [300, 130], true, false, [64, 130]],
      [[0, 3], [3, 4], false, false, [0, 4]],
      [[2, 0], [0, 4], false, false, [2, 4]],
    ];
    for (const [sa, sb, ta, tb, shape] of cases) {
      const size = (s: number[]) => s.reduce((x, y) => x * y, 1);
      const [aw, aj] = both(values(rand, size(sa)), sa);
      const [bw, bj] = both(values(rand, size(sb)), sb);
      const out = { shape, dtype: "float32" } as const;
      const got = wasm.readSync!(guarded(() => wasm.matmul(aw, bw, ta, tb, out)));
      const want = js.readSync!(js.matmul(aj, bj, ta, tb, out));
      const k = ta ? sa.at(-2)! : sa.at(-1)!;
      close(got, want, 1e-5, 1e-6 * Math.sqrt(k + 1) * 10, `matmul [${sa.join(", ")}]·[${sb.join(", ")}] ${ta} ${tb}`);
    }
  });

  const activations: FusedActivation[] = ["linear", "relu", "sigmoid", "tanh"];
  for (const activation of activations) {
    it(`fused matmulBiasActivation with ${activation}, with and without a row bias, and a bias the Wasm path leaves to JS`, () => {
      for (const [m, k, n] of [[3, 5, 7], [64, 33, 10], [1, 1, 1]] as const) {
        const [aw, aj] = both(values(rand, m * k), [m, k]);
        const [bw, bj] = both(values(rand, n * k), [n, k]);
        const out = { shape: [m, n], dtype: "float32" } as const;
        const biases: [number[], number[]][] = [[[n], [n]], [[1, n], [1, n]], [[m, 1], [m, 1]]];
        for (const [shape] of biases) {
          const [cw, cj] = both(values(rand, shape.reduce((x, y) => x * y, 1)), shape);
          for (const bias of [[cw, cj], [null, null]] as const) {
            const got = wasm.readSync!(guarded(() => wasm.fused!.matmulBiasActivation!(aw, bw, bias[0], activation, false, true, out)));
            const want = js.readSync!(js.fused!.matmulBiasActivation!(aj, bj, bias[1], activation, false, true, out));
            close(got, want, 1e-5, 1e-5, `${activation} ${m}×${k}×${n} bias ${bias[0] === null ? "none" : `[${shape.join(", ")}]`}`);
          }
        }
      }
    });
  }
});

/** Inputs of `dtypes` broadcastable to `shape` on both backends; int32 ones small indices (so equal ones meet) and the range's extremes. */
function randomInputs(rand: () => number, dtypes: readonly DType[], shape: readonly number[]): [TensorInfo, TensorInfo][] {
  return dtypes.map((d) => {
    const s = broadcastable(rand, shape);
    const n = s.reduce((x, y) => x * y, 1);
    const data =
      d === "bool"
        ? Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0))
        : d === "int32"
          ? Int32Array.from({ length: n }, () => (rand() < 0.1 ? pick(rand, [2147483647, -2147483648]) : Math.floor(rand() * 7) - 3))
          : values(rand, n, true);
    return both(data, s, d);
  });
}

describe("elementwise programs, cpu-wasm (one SIMD loop) against cpu-js (the block evaluator)", () => {
  const rand = seeded(11);
  /** Output shapes: flat, rows of whole and partial vectors, rows under one vector, walks of three axes. */
  const shapes = [[1], [3], [7], [4, 4], [3, 5], [6, 3], [2, 3, 5], [5, 1, 9], [33, 18], [2, 2, 2, 6], [1000]];

  const inputsFor = (dtypes: readonly DType[], shape: readonly number[]) => randomInputs(rand, dtypes, shape);

  for (const transcendental of [false, true]) {
    it(`${transcendental ? "with exp, expm1, log, log1p and tanh: within the transcendental tolerance" : "exact ops: bit for bit"}, 200 random programs over every broadcast pattern`, () => {
      for (let t = 0; t < 200; t++) {
        const shape = pick(rand, shapes);
        const dtypes = Array.from({ length: 1 + Math.floor(rand() * 3) }, (): DType => {
          const r = rand();
          return r < 0.25 ? "bool" : r < 0.4 ? "int32" : "float32";
        });
        const program = randomProgram(rand, dtypes, transcendental);
        expect(compiles(program), program.key).toBe(true);
        const inputs = inputsFor(dtypes, shape);
        const out = { shape, dtype: program.nodes[program.result]!.dtype };
        const label = `${program.key} on [${inputs.map(([x]) => `[${x.shape.join(", ")}]`).join(", ")}] → [${shape.join(", ")}]`;
        const got = wasm.readSync!(
          guarded(() =>
            wasm.elementwise!(
              program,
              inputs.map(([x]) => x),
              out,
            ),
          ),
        );
        const want = js.readSync!(
          js.elementwise!(
            program,
            inputs.map(([, x]) => x),
            out,
          ),
        );
        if (transcendental) close(got, want, 1e-4, 1e-5, label);
        else expect(Array.from(got), label).toEqual(Array.from(want));
      }
    });
  }

  it("writes its output in a heap block when it compiles, and leaves int32, sin and pow to the primitive kernels until the evaluator has loaded, then to the evaluator, with the same values", async () => {
    await js.ready();
    const relu = new ProgramBuilder("relu", ["float32"]);
    const x = relu.input(0);
    const compiled = relu.build(relu.where(relu.binary("greater", x, 0), x, 0));
    const [xw, xj] = both(values(rand, 37, true), [37]);
    const inHeap = wasm.unary("neg", xw, { shape: [37], dtype: "float32" });
    const before = wasm.heap().usedBytes;
    const y = wasm.elementwise!(compiled, [xw], { shape: [37], dtype: "float32" });
    expect(wasm.heap().usedBytes).toBeGreaterThan(before);
    expect(Array.from(wasm.readSync!(y))).toEqual(Array.from(js.readSync!(js.elementwise!(compiled, [xj], { shape: [37], dtype: "float32" }))));

    const sin = new ProgramBuilder("sin", ["float32"]);
    const pow = new ProgramBuilder("pow", ["float32"]);
    const int = new ProgramBuilder("int", ["int32"]);
    const left: [string, ReturnType<ProgramBuilder["build"]>, DType][] = [
      ["sin", sin.build(sin.binary("add", sin.unary("sin", sin.input(0)), 1)), "float32"],
      ["pow", pow.build(pow.binary("pow", pow.input(0), 2.5)), "float32"],
      ["int32", int.build(int.binary("mul", int.input(0), 3)), "int32"],
    ];
    for (const [name, program, dtype] of left) {
      expect(compiles(program), name).toBe(false);
      const data = dtype === "int32" ? Int32Array.from({ length: 37 }, (_, i) => i * 1e8) : values(rand, 37, true);
      const expected = Array.from(js.readSync!(js.elementwise!(program, [{ data: js.upload(data, dtype), shape: [37], dtype }], { shape: [37], dtype })));
      await wasm.ready();
      const a = wasm.upload(data, dtype);
      const used = wasm.heap().usedBytes;
      const got = wasm.readSync!(wasm.elementwise!(program, [{ data: a, shape: [37], dtype }], { shape: [37], dtype }));
      expect(wasm.heap().usedBytes, name).toBe(used);
      expect(Array.from(got), name).toEqual(expected);
    }
    wasm.disposeData(inHeap);
  });
});

describe("programs with several results, cpu-wasm (one loop writing every output) against cpu-js (one program per result)", () => {
  const rand = seeded(13);
  const shapes = [[1], [3], [7], [4, 4], [3, 5], [2, 3, 5], [5, 1, 9], [33, 18], [2, 2, 2, 6], [1000]];

  it("every result bit for bit (exact ops), 150 random programs with two to four results over every broadcast pattern", () => {
    for (let t = 0; t < 150; t++) {
      const shape = pick(rand, shapes);
      const dtypes = Array.from({ length: 1 + Math.floor(rand() * 3) }, (): DType => (rand() < 0.25 ? "bool" : "float32"));
      const single = randomProgram(rand, dtypes, false);
      // The program's result plus up to three other nodes (inputs and constants included), in random order.
      const picked = new Set([single.result]);
      for (let i = 0, extra = 1 + Math.floor(rand() * 3); i < extra; i++) picked.add(Math.floor(rand() * single.nodes.length));
      const results = [...picked].sort(() => rand() - 0.5);
      const program = { nodes: single.nodes, inputs: single.inputs, results, key: `${single.key}+${results.join(",")}` };
      const inputs = randomInputs(rand, dtypes, shape);
      const outs = results.map((r) => ({ shape, dtype: program.nodes[r]!.dtype }));
      const got = guardedAll(() => wasm.elementwiseMulti!(program, inputs.map(([x]) => x), outs));
      results.forEach((_, i) => {
        const label = `${program.key} result ${i} on [${inputs.map(([x]) => `[${x.shape.join(", ")}]`).join(", ")}] → [${shape.join(", ")}]`;
        const want = js.readSync!(js.elementwise!(resultProgram(program, i), inputs.map(([, x]) => x), outs[i]!));
        expect(Array.from(wasm.readSync!(got[i]!)), label).toEqual(Array.from(want));
      });
    }
  });

  /** `guarded` for several results: guard tensors around the outputs must come out untouched. */
  function guardedAll(op: () => DataId[]): DataId[] {
    let results: DataId[] = [];
    guarded(() => {
      results = op();
      return results[0]!;
    });
    return results;
  }
});

describe("uniform nodes (constants and one-element inputs only) computed once on the host", () => {
  const rand = seeded(12);
  const run = (backend: Backend, program: ReturnType<ProgramBuilder["build"]>, inputs: readonly [Float32Array | Int32Array | Uint8Array, number[], DType][], shape: number[]) => {
    const infos = inputs.map(([v, s, d]) => upload(backend, v, s, d));
    return Array.from(backend.readSync!(backend.elementwise!(program, infos, { shape, dtype: program.nodes[program.result]!.dtype })));
  };

  it("a bias correction from an int32 step count (pow, a cast) runs in the loop's heap block with the evaluator's bits", () => {
    const b = new ProgramBuilder("adam", ["float32", "int32", "bool"]);
    const [x, t, guard] = [b.input(0), b.input(1), b.input(2)];
    const correction = b.binary("add", b.unary("neg", b.binary("pow", 0.9, b.cast(t, "float32"))), 1);
    const program = b.build(b.where(guard, b.binary("div", x, correction), x));
    expect(compiles(program)).toBe(false);
    for (const on of [1, 0]) {
      const inputs: [Float32Array | Int32Array | Uint8Array, number[], DType][] = [[values(rand, 37, true), [37], "float32"], [Int32Array.of(7), [], "int32"], [Uint8Array.of(on), [], "bool"]];
      const used = wasm.heap().usedBytes;
      expect(run(wasm, program, inputs, [37])).toEqual(run(js, program, inputs, [37]));
      expect(wasm.heap().usedBytes).toBeGreaterThan(used);
    }
  });

  it("an output that is one value repeated (every input has one element) in any dtype, and loops that differ only in their input count", () => {
    const step = new ProgramBuilder("step", ["int32", "bool"]);
    const next = step.build(step.binary("add", step.input(0), step.cast(step.input(1), "int32")));
    const scalars: [Int32Array | Uint8Array, number[], DType][] = [[Int32Array.of(41), [], "int32"], [Uint8Array.of(1), [], "bool"]];
    expect(run(wasm, next, scalars, [])).toEqual([42]);
    expect(run(wasm, next, scalars, [2, 3])).toEqual(run(js, next, scalars, [2, 3]));
    // x + 3 and x + y with y one element: the same loop body, called with one and with two inputs.
    const one = new ProgramBuilder("add", ["float32"]);
    const two = new ProgramBuilder("add", ["float32", "float32"]);
    const data = values(rand, 9);
    expect(run(wasm, one.build(one.binary("add", one.input(0), 3)), [[data, [9], "float32"]], [9])).toEqual(Array.from(data, (v) => Math.fround(v + 3)));
    expect(run(wasm, two.build(two.binary("add", two.input(0), two.input(1))), [[data, [9], "float32"], [Float32Array.of(3), [1], "float32"]], [9])).toEqual(Array.from(data, (v) => Math.fround(v + 3)));
  });
});

describe("cpu() kernel selection and the Wasm heap", () => {
  it("picks Wasm by default here, keeps TypeScript on request, and refuses an unknown choice", () => {
    expect(cpu().kernels).toBe("wasm");
    expect(cpu({ kernels: "js" }).kernels).toBe("js");
    expect(cpu({ kernels: "js" }).heap()).toEqual({ reservedBytes: 0, usedBytes: 0 });
    expect(() => cpu({ kernels: "gpu" as "js" })).toThrow(/cpu \(argument 'kernels'\): expected "auto", "wasm" or "js", got "gpu"/);
  });

  it("counts memory exactly and reuses freed blocks: the same work again does not grow the heap", () => {
    const backend = cpu({ kernels: "wasm" });
    const rand = seeded(9);
    const step = () => {
      const a = upload(backend, values(rand, 300 * 70), [300, 70]);
      const b = upload(backend, values(rand, 70 * 50), [70, 50]);
      const c = backend.matmul(a, b, false, false, { shape: [300, 50], dtype: "float32" });
      const d = backend.unary("exp", { data: c, shape: [300, 50], dtype: "float32" }, { shape: [300, 50], dtype: "float32" });
      expect(backend.memory()).toEqual({ buffers: 4, bytes: 4 * (300 * 70 + 70 * 50 + 2 * 300 * 50) });
      for (const id of [a.data, b.data, c, d]) backend.disposeData(id);
      expect(backend.memory()).toEqual({ buffers: 0, bytes: 0 });
    };
    step();
    const after = backend.heap();
    for (let i = 0; i < 5; i++) step();
    expect(backend.heap().reservedBytes).toBe(after.reservedBytes);
    expect(backend.heap().usedBytes).toBe(after.usedBytes);
  });

  it("keeps reading the right values after the heap grows (views are re-made)", () => {
    const backend = cpu({ kernels: "wasm" });
    const x = upload(backend, Float32Array.from([1, 2, 3]), [3]);
    const y = backend.unary("neg", x, { shape: [3], dtype: "float32" });
    const before = backend.heap().reservedBytes;
    const big = backend.unary("neg", upload(backend, new Float32Array(1 << 22), [1 << 22]), { shape: [1 << 22], dtype: "float32" });
    expect(backend.heap().reservedBytes).toBeGreaterThan(before);
    expect(Array.from(backend.readSync!(y))).toEqual([-1, -2, -3]);
    expect(backend.readSync!(big).length).toBe(1 << 22);
  });
});
