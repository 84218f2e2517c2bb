import { cpu } from "@neurite/backend-cpu";
import * as nt from "@neurite/tensor-core";
import type { Backend, Tensor } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { expectClose, seeded, sharedGpu } from "./testing/harness.js";

/**
 * Differential testing: random programs of tensor-core ops, run on backend-cpu and on webgpu, every
 * intermediate value compared. A program is plain data generated from a seed, so a failure names the seed
 * and the step, and reruns identically.
 *
 * Discontinuous ops (floor, round, comparisons, argmax, casts to int32) would turn a last-bit difference into
 * a different result, so they only take "exact" values: uploaded leaves and what movement ops make of them,
 * which both backends hold bit for bit.
 */

interface Value {
  readonly shape: readonly number[];
  readonly exact: boolean;
}

/** One step: which op, on which earlier values, with which constants. */
interface Step {
  readonly op: string;
  readonly args: readonly number[];
  readonly params: readonly number[];
}

interface Program {
  readonly leaves: readonly { readonly shape: number[]; readonly values: number[] }[];
  readonly steps: readonly Step[];
}

const UNARY = ["neg", "abs", "tanh", "sigmoid", "relu", "sin", "cos", "expTanh", "sqrtAbs", "log1pAbs", "softmax", "square"] as const;
const BINARY = ["add", "sub", "mul", "maximum", "minimum", "safeDiv"] as const;
const DISCONTINUOUS = ["floor", "round", "whereGreater", "argmaxCast", "intRoundTrip"] as const;
const MOVEMENT = ["transpose", "slice", "concat", "pad", "gather"] as const;
const OTHER = ["reduce", "linear"] as const;

function generate(seed: number, steps: number): Program {
  const rand = seeded(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length)]!;
  const leaves = [0, 1].map(() => {
    const shape = [int(1, 6), int(1, 7)];
    return { shape, values: shape[0]! * shape[1]! > 0 ? Array.from({ length: shape[0]! * shape[1]! }, () => Math.fround(int(-40, 41) / 8)) : [] };
  });
  const pool: Value[] = leaves.map((l) => ({ shape: l.shape, exact: true }));
  const out: Step[] = [];
  const add = (op: string, args: number[], params: number[], value: Value): void => {
    out.push({ op, args, params });
    pool.push(value);
  };
  while (out.length < steps) {
    const i = int(0, pool.length);
    const x = pool[i]!;
    const [r, c] = x.shape.length === 2 ? [x.shape[0]!, x.shape[1]!] : [1, x.shape[0] ?? 1];
    const family = pick(["unary", "binary", "discontinuous", "movement", "other"]);
    if (x.shape.length !== 2) {
      add("reshapeRow", [i], [], { shape: [1, x.shape.reduce((a, b) => a * b, 1)], exact: x.exact });
    } else if (family === "unary") {
      add(pick(UNARY), [i], [], { shape: x.shape, exact: false });
    } else if (family === "binary") {
      // A partner of the same shape, or one that broadcasts: a row, a column or a scalar of it.
      const same = pool.map((v, k) => [v, k] as const).filter(([v]) => v.shape.length === 2 && v.shape[0] === r && v.shape[1] === c);
      const [, j] = pick(same);
      // An empty operand has no row or element to broadcast: it pairs with itself only.
      add(pick(BINARY), [i, j], [r * c === 0 ? 0 : int(0, 4)], { shape: x.shape, exact: false });
    } else if (family === "discontinuous") {
      const exact = pool.map((v, k) => [v, k] as const).filter(([v]) => v.exact && v.shape.length === 2);
      const [v, j] = pick(exact);
      const chosen = pick(DISCONTINUOUS);
      // argmax needs an element in every row.
      const op = chosen === "argmaxCast" && v.shape[1] === 0 ? "floor" : chosen;
      add(op, [j], [], { shape: op === "argmaxCast" ? [v.shape[0]!, 1] : v.shape, exact: op !== "whereGreater" });
    } else if (family === "movement") {
      const op = pick(MOVEMENT);
      if (op === "transpose") add(op, [i], [], { shape: [c, r], exact: x.exact });
      else if (op === "slice") {
        const b0 = int(0, r);
        const b1 = int(0, c);
        add(op, [i], [b0, b1, int(1, r - b0 + 1), int(0, c - b1 + 1)], { shape: [0, 0], exact: x.exact });
      } else if (op === "concat") add(op, [i], [int(0, 2)], { shape: [0, 0], exact: x.exact });
      else if (op === "pad") add(op, [i], [int(0, 2), int(0, 2), int(0, 3), int(0, 2)], { shape: [0, 0], exact: x.exact });
      else add(op, [i], [int(1, 6), int(0, 1000)], { shape: [0, 0], exact: x.exact });
    } else {
      const op = pick(OTHER);
      if (op === "reduce") add(op, [i], [int(0, 4), int(0, 2), int(0, 2)], { shape: [0, 0], exact: false });
      else add(op, [i], [int(1, 70), int(0, 4), int(0, 1000)], { shape: [r, 0], exact: false });
    }
    // Shapes that depend on the params are resolved by running; the pool only needs ranks and exactness.
    const last = pool[pool.length - 1]!;
    if (last.shape.length === 2 && (last.shape[0] === 0 || last.shape[1] === 0)) pool[pool.length - 1] = { ...last, shape: shapeOf(out[out.length - 1]!, pool) };
  }
  return { leaves, steps: out };
}

/** The result shape of steps whose shape depends on their params (mirrors `execute`). */
function shapeOf(step: Step, pool: readonly Value[]): number[] {
  const [r, c] = pool[step.args[0]!]!.shape as [number, number];
  const p = step.params;
  switch (step.op) {
    case "slice":
      return [p[2]!, p[3]!];
    case "concat":
      return p[0] === 0 ? [2 * r, c] : [r, 2 * c];
    case "pad":
      return [r + p[0]! + p[1]!, c + p[2]! + p[3]!];
    case "gather":
      return [p[0]!, c];
    case "reduce":
      return p[1] === 0 ? [1, c] : [r, 1];
    default:
      return [r, p[0]!];
  }
}

/** Runs a program on `backend`; returns every value, leaves first. */
function execute(program: Program, backend: Backend): Tensor[] {
  const rand = seeded(program.steps.length);
  const values: Tensor[] = program.leaves.map((l) => nt.tensor(l.values, { shape: l.shape, backend }));
  for (const { op, args, params: p } of program.steps) {
    const x = values[args[0]!]!;
    const y = values[args[1] ?? 0]!;
    const [r, c] = x.shape as [number, number];
    const t = nt.tidy((): Tensor => {
      switch (op) {
        case "reshapeRow":
          return nt.reshape(x, [1, x.size]);
        case "neg":
        case "abs":
        case "tanh":
        case "sin":
        case "cos":
          return nt.unary(op, x);
        case "sigmoid":
          return nt.sigmoid(x);
        case "relu":
          return nt.relu(x);
        case "expTanh":
          return nt.exp(nt.tanh(x));
        case "sqrtAbs":
          return nt.sqrt(nt.abs(x));
        case "log1pAbs":
          return nt.log1p(nt.abs(x));
        case "softmax":
          return nt.softmax(x);
        case "square":
          return nt.square(nt.tanh(x));
        case "safeDiv":
          return nt.div(x, nt.add(nt.abs(y), 1));
        case "add":
        case "sub":
        case "mul":
        case "maximum":
        case "minimum": {
          // params[0] chooses the partner's broadcast form: itself, a row, a column or a scalar.
          const partner = p[0] === 0 ? y : p[0] === 1 ? nt.slice(y, [0, 0], [1, c]) : p[0] === 2 ? nt.slice(y, [0, 0], [r, 1]) : nt.slice(y, [0, 0], [1, 1]);
          return nt.tanh(nt.binary(op, x, partner));
        }
        case "floor":
          return nt.floor(x);
        case "round":
          return nt.round(x);
        case "whereGreater":
          return nt.where(nt.greater(x, 0.5), x, nt.neg(x));
        case "argmaxCast":
          return nt.cast(nt.argmax(x, 1, true), "float32");
        case "intRoundTrip":
          return nt.cast(nt.mul(nt.cast(x, "int32"), nt.cast(nt.abs(x), "int32")), "float32");
        case "transpose":
          return nt.transpose(x);
        case "slice":
          return nt.slice(x, [p[0]!, p[1]!], [p[2]!, p[3]!]);
        case "concat":
          return nt.concat([x, x], p[0]);
        case "pad":
          return nt.pad(x, [
            [p[0]!, p[1]!],
            [p[2]!, p[3]!],
          ], -1.25);
        case "gather": {
          const idx = Array.from({ length: p[0]! }, (_, k) => (k * 7 + p[1]!) % r);
          return nt.gather(x, nt.tensor(idx, { dtype: "int32", backend }), 0);
        }
        case "reduce": {
          const name = (["sum", "max", "min", "mean"] as const)[p[0]!]!;
          return nt[name](x, p[1], true);
        }
        case "linear": {
          const w = nt.tensor(Array.from({ length: c * p[0]! }, () => Math.fround(rand() - 0.5)), { shape: [c, p[0]!], backend });
          const b = nt.tensor(Array.from({ length: p[0]! }, () => Math.fround(rand() - 0.5)), { backend });
          return nt.linear(x, w, b, (["linear", "relu", "sigmoid", "tanh"] as const)[p[1]!]);
        }
        default:
          throw new Error(`unknown step ${op}`);
      }
    });
    values.push(t);
  }
  return values;
}

const backend = sharedGpu();

describe("random programs on webgpu and backend-cpu", () => {
  it("agree on every intermediate value of 40 seeded programs", async () => {
    const gpu = await backend();
    const reference = cpu();
    for (let seed = 1; seed <= 40; seed++) {
      const program = generate(seed, 16);
      const expected = execute(program, reference);
      const actual = execute(program, gpu);
      for (let k = 0; k < expected.length; k++) {
        const step = k < program.leaves.length ? "leaf" : JSON.stringify(program.steps[k - program.leaves.length]);
        expect(actual[k]!.shape, `seed ${seed} value ${k} ${step}`).toEqual(expected[k]!.shape);
        expectClose(Array.from(await actual[k]!.data()), Array.from(await expected[k]!.data()), { atol: 2e-4, rtol: 2e-4 }, `seed ${seed} value ${k} ${step}`);
      }
      for (const t of [...expected, ...actual]) t.dispose();
    }
    expect(gpu.memory().buffers).toBe(0);
  });
});
