// Ctrl-C: the first asks training to stop after the current step (so the checkpoint holds a finished
// update), the second quits at once. JavaScript handlers run only between tasks, and a training step or a
// validation pass can be one long task, so "at once" takes two paths: a second press that arrived during the
// same task as the first is seen by a handler that exits; any later press finds no handler and gets the
// operating system's default action, which ends the process whatever it is doing. The checkpoint on disk is
// then the last one saved (they are written atomically).

/** Exit status of a run stopped by Ctrl-C (128 + SIGINT, as shells report a process ended by it). */
export const INTERRUPTED = 130;

export interface Interrupt {
  /** True once Ctrl-C was pressed. */
  readonly requested: boolean;
  dispose(): void;
}

/**
 * Listens for SIGINT until disposed. `notice` is printed on the first one.
 *
 * ```ts
 * const interrupt = listenForInterrupt(() => console.error("stopping…"));
 * if (interrupt.requested) context.stop("interrupted");
 * ```
 */
export function listenForInterrupt(notice: () => void): Interrupt {
  let requested = false;
  const again = (): void => process.exit(INTERRUPTED);
  const first = (): void => {
    requested = true;
    process.on("SIGINT", again);
    process.off("SIGINT", first);
    // Presses queued with this one are dispatched before the event loop's check phase; after it, none is
    // listened for.
    setImmediate(() => process.off("SIGINT", again));
    notice();
  };
  process.on("SIGINT", first);
  return {
    get requested() {
      return requested;
    },
    dispose() {
      process.off("SIGINT", first);
      process.off("SIGINT", again);
    },
  };
}

/**
 * Lets pending signals in: a training step is synchronous work on the CPU backend, and Node runs a signal
 * handler only between tasks of the event loop.
 */
export function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
