// Messages between the page and the sample worker.
import type { OutputEvent } from "./output.js";

/** Page → worker: run this source. */
export interface RunRequest {
  readonly source: string;
  readonly fileName: string;
}

/** Worker → page: output as it happens, then exactly one `done` or `error`. */
export type WorkerMessage =
  | OutputEvent
  | { readonly kind: "backend"; readonly name: string; readonly detail: string }
  | { readonly kind: "done"; readonly ms: number }
  | { readonly kind: "error"; readonly name: string; readonly message: string; readonly cause?: string };
