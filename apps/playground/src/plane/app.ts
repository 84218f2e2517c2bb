import type { BackendKind, BackendReport } from "../backend.js";
import type { PlaneConfig } from "./config.js";
import { byId, PlaneControls } from "./controls.js";
import type { PlaneReply, PlaneRequest } from "./protocol.js";
import type { Snapshot } from "./session.js";
import { drawLossChart, drawPlane, type LossPoint, type Points } from "./view.js";

const MAX_CURVE_POINTS = 400;

const percent = (v: number): string => `${(v * 100).toFixed(1)}%`;

/**
 * The decision-boundary panel: the form, the Train / Step / Reset buttons, and the canvases, talking to the
 * training worker. Drawing happens once per animation frame with the latest snapshot, however many arrive.
 */
export class PlanePanel {
  readonly #worker: Worker;
  readonly #controls: PlaneControls;
  readonly #onBackend: (report: BackendReport) => void;
  #running = false;
  /** Whether the worker was training at its latest snapshot (the Train button shows what was asked). */
  #workerRunning = false;
  #generation = -1;
  #points: { train: Points; test: Points } | null = null;
  #latest: Snapshot | null = null;
  #history: LossPoint[] = [];
  #dirty = true;
  #speed: { steps: number; time: number } | null = null;
  #stepsPerSecond = "–";

  constructor(onBackend: (report: BackendReport) => void) {
    this.#onBackend = onBackend;
    this.#worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "plane" });
    this.#worker.addEventListener("message", (event: MessageEvent<PlaneReply>) => {
      this.#receive(event.data);
    });
    this.#worker.addEventListener("error", (event) => {
      this.#message(`The training worker failed: ${event.message}`);
    });
    this.#controls = new PlaneControls((config) => {
      this.#reset(config);
    });
    const train = byId<HTMLButtonElement>("train");
    train.addEventListener("click", () => {
      this.#setRunning(!this.#running);
    });
    byId("step").addEventListener("click", () => {
      this.#setRunning(false);
      this.#send({ type: "step" });
    });
    byId("reset").addEventListener("click", () => {
      this.#controls.reseed();
      this.#reset(this.#controls.read());
    });
    this.#fitCanvases();
    new ResizeObserver(() => {
      this.#fitCanvases();
    }).observe(byId("loss-chart"));
    const frame = (): void => {
      if (this.#dirty) this.#draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** Starts (or restarts) the worker on `kind`; the model is rebuilt there from the current form. */
  useBackend(kind: BackendKind): void {
    this.#showConfig(this.#controls.read());
    this.#send({ type: "backend", kind, config: this.#controls.read() });
    this.#clearHistory();
  }

  #send(request: PlaneRequest): void {
    this.#worker.postMessage(request);
  }

  #reset(config: PlaneConfig): void {
    this.#message("");
    this.#showConfig(config);
    this.#send({ type: "reset", config });
    this.#clearHistory();
  }

  /** What follows from the configuration alone: the number of weights, and a word on the step function. */
  #showConfig(config: PlaneConfig): void {
    let inputs = 2;
    let weights = 0;
    for (const layer of [...config.hidden.map((l) => l.units), 1]) {
      weights += inputs * layer + layer;
      inputs = layer;
    }
    byId("weights").textContent = String(weights);
    byId("step-note").hidden = !config.hidden.some((l) => l.activation === "step");
  }

  #clearHistory(): void {
    this.#history = [];
    this.#speed = null;
    this.#stepsPerSecond = "–";
    this.#latest = null;
    this.#dirty = true;
  }

  #setRunning(running: boolean): void {
    this.#running = running;
    this.#speed = null;
    const button = byId<HTMLButtonElement>("train");
    button.textContent = running ? "Pause" : "Train";
    button.setAttribute("aria-pressed", String(running));
    this.#send({ type: running ? "play" : "pause" });
  }

  #receive(reply: PlaneReply): void {
    switch (reply.type) {
      case "backend":
        this.#onBackend(reply);
        break;
      case "points":
        this.#points = { train: reply.train, test: reply.test };
        this.#dirty = true;
        break;
      case "snapshot": {
        const { snapshot } = reply;
        if (reply.generation !== this.#generation) {
          this.#generation = reply.generation;
          this.#clearHistory();
        }
        this.#latest = snapshot;
        this.#workerRunning = reply.running;
        const last = this.#history.at(-1);
        if (last?.step !== snapshot.steps) this.#history.push({ step: snapshot.steps, train: snapshot.trainLoss, test: snapshot.testLoss });
        // A long run keeps every other point: the curve keeps its shape, and drawing it stays cheap.
        if (this.#history.length > MAX_CURVE_POINTS) this.#history = this.#history.filter((_, i) => i % 2 === 0 || i === this.#history.length - 1);
        const now = performance.now();
        if (this.#speed === null || snapshot.steps < this.#speed.steps) this.#speed = { steps: snapshot.steps, time: now };
        if (!Number.isFinite(snapshot.trainLoss)) {
          this.#setRunning(false);
          this.#message("The loss is no longer a finite number: the learning rate is too large for this network. Lower it and press Reset.");
        }
        this.#dirty = true;
        break;
      }
      case "error":
        this.#setRunning(false);
        this.#message(reply.message);
        break;
    }
  }

  #message(text: string): void {
    byId("plane-message").textContent = text;
  }

  /** Sizes each canvas's pixel buffer to its shown size, so lines are sharp on every screen. */
  #fitCanvases(): void {
    const chart = byId<HTMLCanvasElement>("loss-chart");
    const ratio = window.devicePixelRatio || 1;
    const width = Math.round(chart.clientWidth * ratio);
    if (width > 0 && chart.width !== width) {
      chart.width = width;
      chart.height = Math.round(width * 0.5);
      this.#dirty = true;
    }
  }

  #draw(): void {
    this.#dirty = false;
    const snapshot = this.#latest;
    const size = snapshot === null ? 0 : Math.round(Math.sqrt(snapshot.grid.length));
    drawPlane(byId("boundary"), snapshot?.grid ?? null, size, this.#points);
    drawLossChart(byId("loss-chart"), this.#history);
    const text = (id: string, value: string): void => {
      byId(id).textContent = value;
    };
    text("steps", snapshot === null ? "0" : String(snapshot.steps));
    // Set with the numbers it belongs to, so a test that sees "idle" also sees the final numbers.
    document.body.dataset.training = this.#workerRunning ? "running" : "idle";
    text("epoch", snapshot === null ? "0" : String(snapshot.epoch));
    text("train-loss", snapshot === null ? "–" : snapshot.trainLoss.toFixed(4));
    text("test-loss", snapshot === null ? "–" : snapshot.testLoss.toFixed(4));
    text("train-accuracy", snapshot === null ? "–" : percent(snapshot.trainAccuracy));
    text("test-accuracy", snapshot === null ? "–" : percent(snapshot.testAccuracy));
    const seconds = this.#speed === null ? 0 : (performance.now() - this.#speed.time) / 1000;
    // Measured while training; the last measurement stays up while paused.
    if (snapshot !== null && this.#speed !== null && seconds > 0.5 && this.#running) this.#stepsPerSecond = String(Math.round((snapshot.steps - this.#speed.steps) / seconds));
    text("speed", this.#stepsPerSecond);
  }
}
