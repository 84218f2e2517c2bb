import type { ConformanceCase } from "../case.js";
import { activationCases } from "./activations.js";
import { convPoolCases } from "./conv-pool.js";
import { creationCases } from "./creation.js";
import { elementwiseCases } from "./elementwise.js";
import { errorCases } from "./errors.js";
import { gradientCases } from "./gradients.js";
import { indexCases } from "./indices.js";
import { matmulFamilyCases } from "./matmul.js";
import { memoryCases } from "./memory.js";
import { movementCases } from "./movement.js";
import { programCases } from "./programs.js";
import { randomCases } from "./random.js";
import { reduceFamilyCases } from "./reduce.js";

export { activationCases, convPoolCases, creationCases, elementwiseCases, errorCases, gradientCases, indexCases, matmulFamilyCases, memoryCases, movementCases, programCases, randomCases, reduceFamilyCases };

/**
 * Every case of the kit, grouped by family in a fixed order. Building the list is cheap: inputs and expected
 * values are computed when a case runs. Throws if two cases share a name (the manifest is keyed by names).
 */
export function allCases(): ConformanceCase[] {
  const cases = [
    ...creationCases(),
    ...elementwiseCases(),
    ...programCases(),
    ...reduceFamilyCases(),
    ...matmulFamilyCases(),
    ...movementCases(),
    ...activationCases(),
    ...convPoolCases(),
    ...randomCases(),
    ...errorCases(),
    ...indexCases(),
    ...memoryCases(),
    ...gradientCases(),
  ];
  const seen = new Set<string>();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`conformance kit bug: two cases are named "${c.name}"`);
    seen.add(c.name);
  }
  return cases;
}
