import type { Backend } from "./backend.js";
import { engine } from "./engine.js";
import { BackendError } from "./errors.js";

/**
 * Makes `backend` the one new tensors are created on. Accepts a backend or a promise of one (a GPU backend
 * is created asynchronously). Tensors already created stay on their backend; several backends can be alive
 * at once, and `t.toBackend(other)` moves data between them.
 *
 * ```ts
 * import { cpu } from "@neurite/backend-cpu";
 * await setBackend(cpu());
 * ```
 */
export async function setBackend(backend: Backend | Promise<Backend>): Promise<Backend> {
  const resolved = await backend;
  const required = ["float32", "int32", "bool"] as const;
  const missing = required.filter((d) => !resolved.capabilities.dtypes.includes(d));
  if (missing.length > 0) {
    throw new BackendError({ op: "setBackend" }, `backend '${resolved.name}' lacks the required dtypes ${missing.join(", ")}`);
  }
  engine.backend = resolved;
  return resolved;
}

/** The current backend; a BackendError when none is set. */
export function getBackend(): Backend {
  return engine.currentBackend("getBackend");
}
