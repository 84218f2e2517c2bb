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
