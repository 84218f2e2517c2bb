import { operandsOf, type ProgramNode } from "@neurite/tensor-core";

/**
 * Cheaper instructions for a program's nodes that give the same bits only for some constant values. A
 * program's key leaves constant values out, so `rewritesOf` finds the candidates once per key, `enabled` asks
 * per call which hold for this call's constants, and each set that holds compiles to a loop of its own.
 *
 * - **exp before adding:** an exp whose every use adds a constant of magnitude ≥ 2⁻⁹⁰ (σ's 1 + e⁻ˣ) takes
 *   emitExp's cheaper form (see `beforeAdding` there): the sums come out the same.
 * - **clamps:** where(a > b, a, c) is pmax(c, a) and where(a < b, a, c) is pmin(c, a) when b and c are one node
 *   or two constants of equal value — relu's where(x > 0, x, 0). pmax(c, a) is `c < a ? a : c`, which is the
 *   where's choice in every case (a NaN compares false in both, and a zero result is c's zero in both), in
 *   one instruction instead of a compare and a select.
 */
export interface Rewrite {
  readonly kind: "exp" | "pmax" | "pmin";
  /** The node computed differently. */
  readonly node: number;
  /** For a clamp: the value it keeps (a) and the bound it falls back to (c). */
  readonly x: number;
  readonly bound: number;
  /** Places (among the program's constants, in node order) of the constants whose values decide. */
  readonly constants: readonly number[];
}

/** The least constant magnitude an exp may be added to for the cheaper form. */
const MIN_ADDEND = 2 ** -90;

/** A constant node's place among the program's constants (the loop's constant parameters are in node order). */
function place(nodes: readonly ProgramNode[], node: number): number {
  let n = 0;
  for (let i = 0; i < node; i++) if (nodes[i]!.kind === "constant") n++;
  return n;
}

/** The candidate rewrites of a program (at most 20: a call's set is a bit mask, and part of a loop's index with its step pattern). */
export function rewritesOf(nodes: readonly ProgramNode[], results: readonly number[]): readonly Rewrite[] {
  const found: Rewrite[] = [];
  for (let i = 0; i < nodes.length && found.length < 20; i++) {
    const node = nodes[i]!;
    if (node.kind === "unary" && node.op === "exp" && !results.includes(i)) {
      const addends: number[] = [];
      let onlyAdded = true;
      for (let u = i + 1; u < nodes.length && onlyAdded; u++) {
        const use = nodes[u]!;
        if (!operandsOf(use).includes(i)) continue;
        const other = use.kind === "binary" && use.op === "add" ? (use.a === i ? use.b : use.a) : -1;
        if (other >= 0 && other !== i && nodes[other]!.kind === "constant") addends.push(place(nodes, other));
        else onlyAdded = false;
      }
      if (onlyAdded && addends.length > 0) found.push({ kind: "exp", node: i, x: node.x, bound: -1, constants: addends });
    }
    if (node.kind === "where" && node.dtype === "float32") {
      const test = nodes[node.condition]!;
      if (test.kind !== "binary" || (test.op !== "greater" && test.op !== "less") || nodes[test.a]!.dtype !== "float32" || test.a !== node.a) continue;
      const kind = test.op === "greater" ? "pmax" : "pmin";
      if (test.b === node.b) found.push({ kind, node: i, x: node.a, bound: node.b, constants: [] });
      else if (nodes[test.b]!.kind === "constant" && nodes[node.b]!.kind === "constant") {
        found.push({ kind, node: i, x: node.a, bound: node.b, constants: [place(nodes, test.b), place(nodes, node.b)] });
      }
    }
  }
  return found;
}

/** The rewrites that hold with this call's constant values, as a bit mask over `rewrites`. */
export function enabled(rewrites: readonly Rewrite[], constants: readonly number[]): number {
  let mask = 0;
  for (let r = 0; r < rewrites.length; r++) {
    const { kind, constants: places } = rewrites[r]!;
    let holds = true;
    if (kind === "exp") {
      for (const c of places) if (!(Math.abs(constants[c]!) >= MIN_ADDEND)) holds = false;
    } else if (places.length === 2) {
      holds = constants[places[0]!] === constants[places[1]!];
    }
    if (holds) mask |= 1 << r;
  }
  return mask;
}
