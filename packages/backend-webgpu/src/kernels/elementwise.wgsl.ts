import type { BinaryOp, FusedActivation, UnaryOp } from "@neurite/tensor-core";
import type { KernelSource } from "../pipelines.js";
import { helpers } from "./math.wgsl.js";
import { bindings, coords, flatEntry, flatWorkgroups, ITEMS_PER_INVOCATION, offset, u, type Scalar } from "./wgsl.js";

/**
 * Elementwise kernels, generated from op → WGSL expression tables. Every elementwise primitive (unary,
 * binary, where, cast) is one "map" kernel: read one value from each input, apply an expression, write one
 * value. The tables below are the only place an op's meaning is written in WGSL.
 */

/** A WGSL expression over `x` (unary) or `a`, `b` (binary), and the helper functions it calls. */
export interface Expr {
  readonly expr: string;
  readonly helpers: readonly string[];
}

const e = (expr: string, ...helperNames: string[]): Expr => ({ expr, helpers: helperNames });

const FLOAT_UNARY: Readonly<Record<UnaryOp, Expr | undefined>> = {
  neg: e("-x"),
  abs: e("abs(x)"),
  sign: e("sign_(x)", "sign_"),
  exp: e("exp(x)"),
  expm1: e("expm1_(x)", "expm1_"),
  log: e("log_(x)", "log1p_"),
  log1p: e("log1p_(x)", "log1p_"),
  sqrt: e("sqrt_(x)", "sqrt_"),
  sin: e("sin_(x)", "trig_"),
  cos: e("cos_(x)", "trig_"),
  tanh: e("tanh_(x)", "tanh_"),
  floor: e("floor(x)"),
  ceil: e("ceil(x)"),
  // WGSL's round is half-to-even, like the reference.
  round: e("round(x)"),
  logicalNot: undefined,
  isNaN: e("u32(isnan_(x))", "specials"),
};

/** Unary ops on int32 (the table allows neg, abs and sign); `-x` and `abs` wrap at -2³¹ as Int32Array does. */
const INT_UNARY: Partial<Record<UnaryOp, Expr>> = { neg: e("-x"), abs: e("abs(x)"), sign: e("sign(x)") };

export function unaryExpr(op: UnaryOp, t: Scalar): Expr {
  const found = t === "f32" ? FLOAT_UNARY[op] : t === "i32" ? INT_UNARY[op] : op === "logicalNot" ? e("select(0u, 1u, x == 0u)") : undefined;
  if (found === undefined) throw new Error(`no WGSL for unary '${op}' on ${t}`);
  // Builtins may turn NaN into a number (SwiftShader's exp(NaN) is Infinity): NaN in, NaN out.
  if (t === "f32" && op !== "isNaN") return { expr: `select(${found.expr}, x, isnan_(x))`, helpers: [...found.helpers, "specials"] };
  return found;
}

const COMPARISONS: Partial<Record<BinaryOp, string>> = {
  equal: "==",
  less: "<",
  lessEqual: "<=",
  greater: ">",
  greaterEqual: ">=",
};

export function binaryExpr(op: BinaryOp, t: Scalar): Expr {
  // Some compilers emit an ordered not-equal, false for NaN; the negated equality is true for NaN on all.
  if (op === "notEqual") return e("u32(!(a == b))");
  const cmp = COMPARISONS[op];
  if (cmp !== undefined) return e(`u32(a ${cmp} b)`);
  switch (op) {
    case "add":
      return e("a + b");
    case "sub":
      return e("a - b");
    case "mul":
      // i32 multiplication keeps the low 32 bits, which is Math.imul.
      return e("a * b");
    case "div":
      return e("div_(a, b)", "div_");
    case "pow":
      return e("pow_(a, b)", "pow_");
    case "maximum":
      return t === "f32" ? e("max_(a, b)", "max_") : e("max(a, b)");
    case "minimum":
      return t === "f32" ? e("min_(a, b)", "max_") : e("min(a, b)");
    case "logicalAnd":
      return e("a & b");
    case "logicalOr":
      return e("a | b");
    default:
      throw new Error(`no WGSL for binary '${op}'`);
  }
}

/** Conversion between stored types, as backend-cpu's typed-array stores convert. */
export function castExpr(from: Scalar, to: Scalar): Expr {
  if (to === "u32") {
    // Anything non-zero is true; for floats that includes NaN and excludes -0, so test the bits.
    return from === "f32" ? e("u32((bitcast<u32>(x) & 0x7fffffffu) != 0u)") : e(`u32(x != ${from === "i32" ? "0i" : "0u"})`);
  }
  if (to === "i32") return from === "f32" ? e("toInt32_(x)", "toInt32_") : e("i32(x)");
  return e("f32(x)");
}

/** The activation of a fused kernel, applied to `x` of type `t`. */
export function activationExpr(activation: FusedActivation, t: Scalar = "f32"): Expr {
  switch (activation) {
    case "linear":
      return e("x");
    case "relu":
      // relu_ takes f32 (NaN stays NaN); an int32 product has no NaN.
      return t === "i32" ? e("max(x, 0i)") : e("relu_(x)", "relu_");
    case "sigmoid":
      return e("sigmoid_(x)", "sigmoid_");
    case "tanh":
      return e("tanh_(x)", "tanh_");
  }
}

/**
 * How a map kernel reads one input at output index `i`:
 * - `same`: at `i` (same shape as the output);
 * - `scalar`: element 0;
 * - `row`: at `i % period` (a trailing block repeated, such as a bias row over a batch);
 * - `rowMask`: `row` with a power-of-two period, at `i & (period - 1)` (an integer division costs far more);
 * - `outer`: at `i / period` (each element repeated `period` times, such as a column over rows);
 * - `outerShift`: `outer` with a power-of-two period, at `i >> log2(period)`;
 * - `strided`: at an offset from the output coordinates and the input's (broadcast) strides.
 * The first four need no coordinates, so they avoid the per-element divisions of `strided`.
 */
export type Mode = "same" | "scalar" | "row" | "rowMask" | "outer" | "outerShift" | "strided";

export interface MapSpec {
  /** Names the expression in the pipeline key, e.g. `binary.add`. */
  readonly name: string;
  readonly inputs: readonly Scalar[];
  readonly output: Scalar;
  /** Expression over `v0, v1, …` of the output's type. */
  readonly expr: string;
  readonly helpers: readonly string[];
  /** WGSL functions the expression calls besides the helpers (an op wrapped as a function). */
  readonly functions?: string;
  /** Types of scalar constants read from the uniform words after the inputs' words, as `k0, k1, …`. */
  readonly constants?: readonly Scalar[];
  /** Statements run before `expr` is written (they may read `v0…` and `k0…`). */
  readonly body?: string;
  /** Further results of the same element (a program with several results), written to `out1, out2, …`. */
  readonly more?: readonly { readonly output: Scalar; readonly expr: string }[];
}

/** Wraps a table expression over `params` as a WGSL function `name`, so a kernel can call it on any values. */
export function asFunction(name: string, params: readonly (readonly [string, Scalar])[], result: Scalar, body: Expr): string {
  return `fn ${name}(${params.map(([n, t]) => `${n}: ${t}`).join(", ")}) -> ${result} { return ${body.expr}; }`;
}

const MODE_CODE: Readonly<Record<Mode, string>> = { same: "=", scalar: "1", row: "%", rowMask: "&", outer: "/", outerShift: ">", strided: "s" };

export const MAP_WORKGROUP = 64;
/** vec4 items per invocation of a vec4 map kernel (each is already four elements). */
export const VEC4_ITEMS = 4;

/** Workgroups a map kernel of `items` items needs. */
export function mapWorkgroups(items: number, vec4: boolean): number {
  return flatWorkgroups(items, MAP_WORKGROUP, vec4 ? VEC4_ITEMS : ITEMS_PER_INVOCATION);
}

/**
 * A map kernel. Uniform words: `[items, dims[rank], then per input: its period (row, outer) or its strides
 * (strided)]`; `rank` is 0 when no input is strided (then no coordinates are computed at all).
 *
 * With `vec4`, each item is four consecutive elements, loaded and stored as one `vec4` (the caller checks
 * that the size and every period are multiples of 4 and that no input is strided; `items` and the periods
 * are then counted in vec4s). The expression still runs per element, on the same scalar function, so both
 * variants compute the same values; the wide loads and stores and a quarter of the invocations are what a
 * GPU (and SwiftShader's per-invocation cost) reward.
 */
export function mapKernel(spec: MapSpec, modes: readonly Mode[], rank: number, vec4 = false): KernelSource {
  return {
    key: `map:${spec.name}:${spec.inputs.join(",")}>${[spec.output, ...(spec.more ?? []).map((r) => r.output)].join(",")}:${modes.map((m) => MODE_CODE[m]).join("")}:r${rank}:k${spec.constants?.length ?? 0}${vec4 ? ":v4" : ""}`,
    code: () => {
      let at = 1 + rank;
      const wide = (k: number): boolean => vec4 && (modes[k] === "same" || modes[k] === "row" || modes[k] === "rowMask");
      const reads = spec.inputs.map((t, k) => {
        const mode = modes[k]!;
        const word = at;
        const splat = (index: string): string => (vec4 ? `vec4<${t}>(in${k}[${index}])` : `in${k}[${index}]`);
        switch (mode) {
          case "same":
            return `  let v${k} = in${k}[i];`;
          case "scalar":
            return `  let v${k} = ${splat("0")};`;
          case "row":
            at += 1;
            return `  let v${k} = in${k}[i % ${u(word)}];`;
          case "rowMask":
            at += 1;
            return `  let v${k} = in${k}[i & ${u(word)}];`;
          case "outer":
            at += 1;
            return `  let v${k} = ${splat(`i / ${u(word)}`)};`;
          case "outerShift":
            at += 1;
            return `  let v${k} = ${splat(`i >> ${u(word)}`)};`;
          case "strided":
            if (vec4) throw new Error("a vec4 map kernel cannot read a strided input");
            at += rank;
            return `  let v${k} = in${k}[${offset(rank, word)}];`;
        }
      });
      const constantsAt = at;
      const constants = (spec.constants ?? []).map((t, j) => `  let k${j} = ${t === "u32" ? u(constantsAt + j) : `bitcast<${t}>(${u(constantsAt + j)})`};`);
      at += constants.length;
      // The expression as a function of one element of each input, called once per element.
      const params = spec.inputs.map((t, k) => `v${k}: ${t}`).join(", ");
      const results = [{ output: spec.output, expr: spec.expr }, ...(spec.more ?? [])];
      const args = (c: string): string => spec.inputs.map((_, k) => `v${k}${c}`).join(", ");
      const lanes = vec4 ? [".x", ".y", ".z", ".w"] : [""];
      const outName = (j: number): string => (j === 0 ? "out" : `out${j}`);
      let element: string;
      let stores: string[];
      if (results.length === 1) {
        element = [`fn element_(${params}) -> ${spec.output} {`, ...constants, spec.body ?? "", `  return ${spec.expr};`, "}"].join("\n");
        stores = [`  out[i] = ${vec4 ? `vec4<${spec.output}>(${lanes.map((c) => `element_(${args(c)})`).join(", ")})` : `element_(${args("")})`};`];
      } else {
        // Several results: the element returns them as one struct, so every node is computed once per element.
        const struct = `struct Results_ { ${results.map((r, j) => `r${j}: ${r.output}`).join(", ")} }`;
        element = [struct, `fn element_(${params}) -> Results_ {`, ...constants, spec.body ?? "", `  return Results_(${results.map((r) => r.expr).join(", ")});`, "}"].join("\n");
        const lets = lanes.map((c, l) => `  let e${l} = element_(${args(c)});`);
        stores = [
          ...lets,
          ...results.map((r, j) => `  ${outName(j)}[i] = ${vec4 ? `vec4<${r.output}>(${lanes.map((_, l) => `e${l}.r${j}`).join(", ")})` : `e0.r${j}`};`),
        ];
      }
      const body = [`  if (i >= ${u(0)}) { return; }`, coords("i", rank, 1), ...reads, ...stores];
      const inputTypes = spec.inputs.map((t, k) => (wide(k) ? `vec4<${t}>` : t));
      const outputTypes = results.map((r) => (vec4 ? `vec4<${r.output}>` : r.output));
      return [
        helpers(spec.helpers),
        spec.functions ?? "",
        bindings(inputTypes, outputTypes[0]!, at, false, outputTypes.slice(1)),
        element,
        flatEntry(MAP_WORKGROUP, body.join("\n"), vec4 ? VEC4_ITEMS : undefined),
      ].join("\n");
    },
  };
}
