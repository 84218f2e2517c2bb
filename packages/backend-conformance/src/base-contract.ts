import { BASE_KERNELS, type Backend } from "@neurite/tensor-core";

/** The members of the base contract: storage, the 16 kernel methods, and `dispose`. */
const BASE = ["upload", "read", "readSync", "disposeData", "memory", ...BASE_KERNELS, "dispose"] as const;

/**
 * `inner` seen through the base contract only: no `elementwise` capability and no `fused` kernels, as a
 * backend written before those existed looks. Running the kit on it checks that the op layer's fallbacks (a
 * program expanded into primitive kernels, a fused op composed from primitives) conform on their own.
 *
 * ```ts
 * describeConformance("cpu, base contract only", () => baseContractOnly(cpu()));
 * ```
 */
export function baseContractOnly(inner: Backend): Backend {
  const members = inner as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { name: inner.name, capabilities: inner.capabilities };
  for (const name of BASE) {
    const member = members[name];
    if (typeof member === "function") view[name] = (member as (...args: unknown[]) => unknown).bind(inner);
  }
  return view as unknown as Backend;
}
