import { gather, scatterAdd } from "@neurite/tensor-core";
import { rule, type GradRule } from "./rule.js";

/*
 * gather and scatterAdd are each other's adjoints: gather reads rows at the indices, so its gradient adds
 * g's rows back at the same indices (repeated indices add up); scatterAdd adds rows in, so its gradient
 * reads them back out. The int32 indices carry no gradient.
 */
export const gatherRules: Record<string, GradRule> = {
  gather: rule([1], (g, n) => [() => scatterAdd(g, n.input(1), n.attrs.axis as number, n.inputShapes[0]!), null]),
  scatterAdd: rule([1], (g, n) => [() => gather(g, n.input(1), n.attrs.axis as number), null]),
};
