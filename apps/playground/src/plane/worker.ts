/**
 * The plane's training worker: owns the backend and the PlaneSession, trains in slices of a few tens of
 * milliseconds while "playing", and sends a snapshot (losses, accuracies, the grid) after every slice, so the
 * page never waits on training.
 */
import { useBackend, type BackendKind, type WorkerScope } from "../backend.js";
import { DEFAULT_CONFIG, type PlaneConfig } from "./config.js";
import type { PlaneReply, PlaneRequest } from "./protocol.js";
import { PlaneSession } from "./session.js";

/** Time spent queueing steps between two snapshots: about two frames at 60 Hz. */
const SLICE_MS = 30;
/**
 * A GPU takes steps as fast as they are queued and runs them later, so a slice is also capped by a step
 * count, adapted to what the device really does. It doubles while a slice (steps and snapshot) is quick,
 * or while the snapshot takes most of the slice's time on a slow device, and halves when a slice takes
 * over SLOW_MS, so Pause and Step answer within about that.
 */
const MAX_STEPS_PER_SLICE = 64;
const FAST_MS = 100;
const SLOW_MS = 800;

const scope = self as unknown as WorkerScope;
const post = (reply: PlaneReply, transfer: Transferable[] = []): void => {
  scope.postMessage(reply, transfer);
};

let config: PlaneConfig = DEFAULT_CONFIG;
let kind: BackendKind | null = null;
let session: PlaneSession | null = null;
/** Bumped on every reset, so the page knows where a new loss curve begins. */
let generation = 0;
let running = false;
let looping = false;
let stepsPerSlice = 4;
/** Read through a function: `running` changes while the loop awaits, which type narrowing cannot see. */
const playing = (): boolean => running;
/** Requests are handled one at a time, in order, even when one waits (a backend starting, a step). */
let queue: Promise<void> = Promise.resolve();

async function report(s: PlaneSession): Promise<void> {
  const snapshot = await s.snapshot();
  if (s !== session) return;
  post({ type: "snapshot", snapshot, running, generation }, [snapshot.grid.buffer]);
}

function rebuild(): void {
  session?.dispose();
  session = new PlaneSession(config);
  generation++;
  const { train, test } = session.data;
  post({ type: "points", train: { x: train.x, y: train.y }, test: { x: test.x, y: test.y } });
}

/** Trains while playing; yields to the event loop after every slice so that pause and reset get through. */
async function loop(): Promise<void> {
  if (looping) return;
  looping = true;
  try {
    while (playing() && session !== null) {
      const s = session;
      const start = performance.now();
      let steps = 0;
      do {
        await s.step();
        steps++;
      } while (playing() && s === session && steps < stepsPerSlice && performance.now() - start < SLICE_MS);
      const queued = performance.now();
      await report(s);
      const end = performance.now();
      const took = end - start;
      const snapshotShare = (end - queued) / took;
      if (took > SLOW_MS) stepsPerSlice = Math.max(1, Math.floor(stepsPerSlice / 2));
      else if (steps === stepsPerSlice && (took < FAST_MS || snapshotShare > 0.5)) stepsPerSlice = Math.min(MAX_STEPS_PER_SLICE, stepsPerSlice * 2);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    running = false;
    fail(error);
  } finally {
    looping = false;
  }
}

/** Stops the loop and waits until its current step is done, so nothing else touches the session meanwhile. */
async function halt(): Promise<boolean> {
  const wasRunning = running;
  running = false;
  while (looping) await new Promise((resolve) => setTimeout(resolve, 2));
  return wasRunning;
}

function fail(error: unknown): void {
  post({ type: "error", message: error instanceof Error ? error.message : String(error) });
}

async function handle(request: PlaneRequest): Promise<void> {
  switch (request.type) {
    case "backend": {
      const wasRunning = await halt();
      config = request.config;
      session?.dispose();
      session = null;
      const chosen = await useBackend(request.kind);
      kind = chosen.kind;
      // The new device's pace is unknown: start small again.
      stepsPerSlice = 4;
      post({ type: "backend", ...chosen });
      rebuild();
      await report(session!);
      running = wasRunning;
      break;
    }
    case "reset": {
      config = request.config;
      if (kind === null) return;
      const wasRunning = await halt();
      rebuild();
      await report(session!);
      running = wasRunning;
      break;
    }
    case "play":
      running = true;
      break;
    case "pause":
      await halt();
      if (session !== null) await report(session);
      break;
    case "step":
      await halt();
      if (session !== null) {
        await session.step();
        await report(session);
      }
      break;
  }
  if (running) void loop();
}

scope.addEventListener("message", (event: MessageEvent<PlaneRequest>) => {
  queue = queue.then(() => handle(event.data)).catch(fail);
});
