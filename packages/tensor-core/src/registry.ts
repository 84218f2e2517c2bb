import { BASE_KERNELS, type Backend } from "./backend.js";
import { engine } from "./engine.js";
import { BackendError } from "./errors.js";

/**
 * Makes `backend` the one new tensors are created on. Accepts a backend or a promise of one (a GPU backend
 * is created asynchronously). Tensors already created stay on their backend; several backends can be alive
 * at once, and `t.toBackend(other)` moves data between them. A backend with a `ready()` method is made current
 * once it resolves.
 *
 * ```ts
 * import { cpu } from "@neurite/backend-cpu";
 * await setBackend(cpu());
 * ```
 */
export async function setBackend(backend: Backend | Promise<Backend>): Promise<Backend> {
  const resolved = await backend;
  validateBackend(resolved);
  await resolved.ready?.();
  engine.backend = resolved;
  engine.instanceOf(resolved);
  return resolved;
}

/** The methods of the backend contract (see backend.ts): storage first, then the 16 kernel methods. */
const REQUIRED_METHODS = ["upload", "read", "disposeData", "memory", ...BASE_KERNELS] as const;

/**
 * Checks a backend's shape against the contract before it is used, so that an incomplete one is refused
 * with everything it lacks — not with `TypeError: backend.pad is not a function` at its first op.
 */
function validateBackend(value: unknown): asserts value is Backend {
  const op = "setBackend";
  if (value === null || typeof value !== "object") {
    throw new BackendError({ op, argument: "backend" }, `expected a backend object (e.g. cpu() from @neurite/backend-cpu), got ${value === null ? "null" : typeof value}`);
  }
  const b = value as Partial<Record<string, unknown>> & { name?: unknown; capabilities?: { dtypes?: unknown; syncRead?: unknown } };
  const name = typeof b.name === "string" && b.name.length > 0 ? b.name : null;
  const problems: string[] = [];
  if (name === null) problems.push("a non-empty string `name`");
  const missing = REQUIRED_METHODS.filter((m) => typeof b[m] !== "function");
  if (missing.length > 0) problems.push(`the method${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`);
  const dtypes = b.capabilities?.dtypes;
  if (!Array.isArray(dtypes)) {
    problems.push("`capabilities.dtypes` (an array of dtypes)");
  } else {
    const lacking = (["float32", "int32", "bool"] as const).filter((d) => !dtypes.includes(d));
    if (lacking.length > 0) problems.push(`the required dtypes ${lacking.join(", ")} in capabilities.dtypes`);
  }
  if (typeof b.capabilities?.syncRead !== "boolean") problems.push("`capabilities.syncRead` (a boolean)");
  else if (b.capabilities.syncRead && typeof b.readSync !== "function") problems.push("`readSync` (capabilities.syncRead is true)");
  if (problems.length > 0) {
    throw new BackendError(
      { op, argument: "backend" },
      `backend ${name === null ? "(unnamed)" : `'${name}'`} does not implement the backend contract: it lacks ${problems.join("; ")}. ` +
        "See the Backend interface of @neurite/tensor-core, and run @neurite/backend-conformance against it",
    );
  }
}

/** The current backend; a BackendError when none is set. */
export function getBackend(): Backend {
  return engine.currentBackend("getBackend");
}
