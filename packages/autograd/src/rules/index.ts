import { binaryRules } from "./binary.js";
import { compositeRules } from "./composite.js";
import { gatherRules } from "./gather.js";
import { matmulRules } from "./matmul.js";
import { movementRules } from "./movement.js";
import { reduceRules } from "./reduce.js";
import type { GradRule } from "./rule.js";
import { unaryRules } from "./unary.js";

export type { GradRule, InputGradient, NodeContext, Save } from "./rule.js";

/** Every gradient rule, by op name: the primitives, then the composites that have one of their own. */
export const RULES: ReadonlyMap<string, GradRule> = new Map(
  Object.entries({ ...unaryRules, ...binaryRules, ...reduceRules, ...matmulRules, ...movementRules, ...gatherRules, ...compositeRules }),
);

/** Composite ops the tape records as one node (it has a rule for them) instead of looking inside. */
export const COMPOSITE_RULES: ReadonlySet<string> = new Set(Object.keys(compositeRules));

/**
 * Ops with a float result whose derivative is 0 wherever it exists. Their outputs are not tracked, which is
 * the same as a zero gradient and costs nothing. `step` (cast(x ≥ 0)) needs no entry: a cast from bool is
 * never tracked, so its gradient is 0 as well — the course notes call step′(0) undefined; Neurite says 0.
 */
export const ZERO_GRADIENT: ReadonlySet<string> = new Set(["sign", "floor", "ceil", "round", "stopGradient"]);

/** Op names that `customGrad` gives its ops; the rule travels in the node's attrs. */
export const CUSTOM_PREFIX = "customGrad:";
