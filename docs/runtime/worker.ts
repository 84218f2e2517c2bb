// The module Web Worker a sample runs in, so a long training run keeps the page responsive and Stop can end
// it (the page terminates the worker). Output streams back as messages while the sample runs.
import { compileSample } from "./compile.js";
import { useBestBackend } from "./backend.js";
import { modules } from "./modules.js";
import { setSink } from "./output.js";
import type { RunRequest, WorkerMessage } from "./protocol.js";

const post = (message: WorkerMessage): void => {
  self.postMessage(message);
};

function describeError(error: unknown): WorkerMessage {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `${error.cause.name}: ${error.cause.message}` : undefined;
    return { kind: "error", name: error.name, message: error.message, ...(cause === undefined ? {} : { cause }) };
  }
  return { kind: "error", name: "Error", message: String(error) };
}

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  post(describeError(event.reason));
});

self.addEventListener("message", (event: MessageEvent<RunRequest>) => {
  void (async () => {
    const started = performance.now();
    try {
      setSink(post);
      const chosen = await useBestBackend("gpu" in navigator ? navigator.gpu : undefined);
      post({ kind: "backend", ...chosen });
      const run = compileSample(event.data.source, event.data.fileName);
      await run((specifier) => {
        const found = modules[specifier];
        if (found === undefined) throw new Error(`a sample can import ${Object.keys(modules).join(", ")}; not "${specifier}"`);
        return found;
      });
      post({ kind: "done", ms: performance.now() - started });
    } catch (error) {
      post(describeError(error));
    }
  })();
});
