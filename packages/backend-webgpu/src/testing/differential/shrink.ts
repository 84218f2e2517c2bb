import * as nt from "@neurite/tensor-core";
import type { Backend } from "@neurite/tensor-core";
import { refsOf, renumber, printNode, printProgram, type Call, type Program } from "./program.js";
import { runProgram, differ, disposeRun, type Mismatch } from "./run.js";

// --- shrinking ---

/** Keeps the nodes `target` depends on (and `target`), renumbered. */
export function ancestors(program: Program, target: number): Program {
  const keep = new Set<number>([target]);
  for (let i = target; i >= 0; i--) {
    const node = program.nodes[i]!;
    if (keep.has(i) && node.kind === "op") for (const r of refsOf(node.expr)) keep.add(r);
  }
  const order = [...keep].sort((a, b) => a - b);
  const map = new Map(order.map((old, i) => [old, i]));
  return {
    seed: program.seed,
    nodes: order.map((i) => {
      const node = program.nodes[i]!;
      return node.kind === "leaf" ? node : { ...node, expr: renumber(node.expr, map) as Call };
    }),
  };
}

function topCall(program: Program, at: number): string {
  const node = program.nodes[at];
  return node?.kind === "op" ? node.expr.$call : "tensor";
}

/** The first (or, with `last`, the last) corner of a row-major `values` of `shape` that has `smaller` shape. */
function corner(values: readonly number[], shape: readonly number[], smaller: readonly number[], last = false): number[] {
  const out: number[] = [];
  const strides = shape.map((_, i) => nt.sizeOf(shape.slice(i + 1)));
  const total = nt.sizeOf(smaller);
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let offset = 0;
    for (let i = smaller.length - 1; i >= 0; i--) {
      offset += ((rest % smaller[i]!) + (last ? shape[i]! - smaller[i]! : 0)) * strides[i]!;
      rest = Math.floor(rest / smaller[i]!);
    }
    out.push(values[offset]!);
  }
  return out;
}

export interface Failure {
  readonly program: Program;
  readonly mismatch: Mismatch;
}

/** Runs `program` on both backends: the first mismatch, or undefined (also when backend-cpu refuses it). */
export async function check(program: Program, reference: Backend, backend: Backend): Promise<Mismatch | undefined> {
  const expected = await runProgram(program, reference);
  try {
    if (expected.error !== undefined) return undefined;
    return await differ(program, expected, backend);
  } finally {
    disposeRun(expected);
  }
}

/**
 * A smaller program that fails the same way (at a node calling the same op): only the failing node and what
 * it depends on, intermediate values replaced by literal leaves holding backend-cpu's values, then smaller
 * leaf shapes. Tries at most `budget` candidates.
 */
export async function shrink(failure: Failure, reference: Backend, backend: Backend, budget = 250): Promise<Failure> {
  const op = topCall(failure.program, failure.mismatch.at);
  const first = ancestors(failure.program, failure.mismatch.at);
  let best: Failure = { program: first, mismatch: { ...failure.mismatch, at: first.nodes.length - 1 } };
  let tries = 0;
  const attempt = async (candidate: Program): Promise<boolean> => {
    if (tries >= budget) return false;
    tries++;
    const mismatch = await check(candidate, reference, backend);
    if (mismatch === undefined || topCall(candidate, mismatch.at) !== op) return false;
    const program = ancestors(candidate, mismatch.at);
    best = { program, mismatch: { ...mismatch, at: program.nodes.length - 1 } };
    return true;
  };

  // 1. Cut the chain: an intermediate value becomes a literal leaf with backend-cpu's values.
  for (let progress = true; progress && tries < budget; ) {
    progress = false;
    const run = await runProgram(best.program, reference);
    const data = await Promise.all(run.values.map(async (t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(await t.data(), Number) })));
    disposeRun(run);
    for (let j = best.program.nodes.length - 2; j >= 0 && !progress; j--) {
      if (best.program.nodes[j]!.kind === "leaf" || data[j] === undefined) continue;
      const nodes = [...best.program.nodes];
      nodes[j] = { kind: "leaf", ...data[j]! };
      progress = await attempt(ancestors({ seed: best.program.seed, nodes }, nodes.length - 1));
    }
  }

  // 2. Smaller leaves: every occurrence of a size at once (keeps broadcasting), then one axis at a time.
  const smallerShapes = async (): Promise<void> => {
    for (let progress = true; progress && tries < budget; ) {
      progress = false;
      const nodes = best.program.nodes;
      const candidates: Program[] = [];
      const sizes = new Set(nodes.flatMap((n) => (n.kind === "leaf" ? n.shape.filter((d) => d > 1) : [])));
      for (const s of [...sizes].sort((a, b) => b - a)) {
        for (const t of new Set([1, Math.floor(s / 2), s - 1])) {
          for (const last of [false, true]) {
            candidates.push({
              seed: best.program.seed,
              nodes: nodes.map((n) => {
                if (n.kind !== "leaf") return n;
                const shape = n.shape.map((d) => (d === s ? t : d));
                return { ...n, shape, values: corner(n.values, n.shape, shape, last) };
              }),
            });
          }
        }
      }
      for (const [i, n] of nodes.entries()) {
        if (n.kind !== "leaf") continue;
        for (const [axis, d] of n.shape.entries()) {
          if (d === 1) {
            const shape = n.shape.filter((_, k) => k !== axis);
            const copy = [...nodes];
            copy[i] = { ...n, shape };
            candidates.push({ seed: best.program.seed, nodes: copy });
          }
          for (const t of new Set([1, Math.floor(d / 2), d - 1])) {
            if (t >= d || t < 1) continue;
            const shape = n.shape.map((x, k) => (k === axis ? t : x));
            for (const last of [false, true]) {
              const copy = [...nodes];
              copy[i] = { ...n, shape, values: corner(n.values, n.shape, shape, last) };
              candidates.push({ seed: best.program.seed, nodes: copy });
            }
          }
        }
      }
      for (const candidate of candidates) {
        if (await attempt(candidate)) {
          progress = true;
          break;
        }
      }
    }
  };
  await smallerShapes();

  // 3. Simpler values: each element of a small leaf set to 0 (bool: false) where the failure stays.
  for (let i = 0; i < best.program.nodes.length && tries < budget; i++) {
    for (let k = 0; k < 64 && tries < budget; k++) {
      const n = best.program.nodes[i]!;
      if (n.kind !== "leaf" || n.values.length > 64 || k >= n.values.length || Object.is(n.values[k], 0)) continue;
      const nodes = [...best.program.nodes];
      nodes[i] = { ...n, values: n.values.map((v, j) => (j === k ? 0 : v)) };
      await attempt({ seed: best.program.seed, nodes });
    }
  }
  await smallerShapes();
  return best;
}

/** The report of a failing program: what differs, and the shrunk program as TypeScript. */
export async function report(failure: Failure, reference: Backend, backend: Backend): Promise<string> {
  const small = await shrink(failure, reference, backend);
  const node = failure.program.nodes[failure.mismatch.at];
  return [
    `differential test: program seed ${failure.program.seed} differs at v${failure.mismatch.at} = ${node === undefined ? "(end)" : printNode(node)}`,
    `  ${failure.mismatch.message}`,
    `minimal reproduction (${small.program.nodes.length} values; v${small.mismatch.at}: ${small.mismatch.message}):`,
    "",
    printProgram(small.program, `webgpu and backend-cpu differ on the last value: ${small.mismatch.message}`),
  ].join("\n");
}

