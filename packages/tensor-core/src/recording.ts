import { engine, type OpRecorder } from "./engine.js";

/**
 * Installs `recorder` (or removes it with null) and returns the one it replaces, so callers can restore it.
 * This is how autograd traces a function; tensor-core itself never computes gradients.
 */
export function setRecorder(recorder: OpRecorder | null): OpRecorder | null {
  const previous = engine.recorder;
  engine.recorder = recorder;
  return previous;
}

/**
 * Runs `fn` with gradient recording switched off: no tape (not even an outer one) sees its ops, so they keep
 * nothing alive and may use fused kernels. Its results are constants to any gradient being taken. `fn` must
 * be synchronous: the switch is undone when `fn` returns, before any awaited work would run.
 *
 * It lives here, not in `@neurite/autograd` (which re-exports it), so that inference-only code — a layer's
 * running statistics, a model summary, a prediction loop — needs only tensor-core.
 *
 * ```ts
 * const x = tensor([1, 2, 3]);
 * const y = noGrad(() => x.mul(2)); // [2, 4, 6], a constant to any gradient being taken
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const previous = setRecorder(null);
  try {
    return fn();
  } finally {
    setRecorder(previous);
  }
}
