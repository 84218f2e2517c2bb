import type { BackendKind, BackendReport } from "../backend.js";
import { byId } from "../plane/controls.js";
import { DIGITS_ASSET, PIXELS, SIDE } from "./format.js";
import { DigitPad } from "./pad.js";
import type { DigitsReply, DigitsRequest } from "./protocol.js";

/**
 * The digit pad panel: the pad, the model buttons (train here, or load an apps/digits checkpoint), and the
 * prediction with a bar per digit. The model lives in its own worker.
 */
export class DigitsPanel {
  readonly #worker: Worker;
  readonly #pad: DigitPad;
  readonly #onBackend: (report: BackendReport) => void;
  readonly #url = new URL(DIGITS_ASSET, document.baseURI).href;
  #ready = false;
  /** A prediction is on its way; another one asked meanwhile waits for it (`#again`), so the last drawing always gets read. */
  #pending = false;
  #again = false;
  #throttle: number | null = null;

  constructor(onBackend: (report: BackendReport) => void) {
    this.#onBackend = onBackend;
    this.#worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module", name: "digits" });
    this.#worker.addEventListener("message", (event: MessageEvent<DigitsReply>) => {
      this.#receive(event.data);
    });
    this.#worker.addEventListener("error", (event) => {
      this.#message(`The digit worker failed: ${event.message}`);
    });
    this.#pad = new DigitPad(
      byId("pad"),
      () => {
        this.#predict();
      },
      () => {
        this.#predictSoon();
      },
    );
    this.#renderBars(null);
    byId("clear-pad").addEventListener("click", () => {
      this.#pad.clear();
      this.#predict();
    });
    byId("sample-digit").addEventListener("click", () => {
      this.#send({ type: "sample", url: this.#url });
    });
    byId("train-digits").addEventListener("click", () => {
      this.#busy(true, "Fetching the MNIST digits…");
      this.#send({ type: "train", url: this.#url });
    });
    byId("save-model").addEventListener("click", () => {
      this.#send({ type: "save" });
    });
    byId<HTMLInputElement>("checkpoint").addEventListener("change", (event) => {
      const input = event.target as HTMLInputElement;
      const file = input.files?.[0];
      if (file === undefined) return;
      this.#busy(true, `Reading ${file.name}…`);
      void file.arrayBuffer().then((bytes) => {
        this.#send({ type: "load", bytes, name: file.name }, [bytes]);
      });
      input.value = "";
    });
  }

  useBackend(kind: BackendKind): void {
    this.#send({ type: "backend", kind });
  }

  #send(request: DigitsRequest, transfer: Transferable[] = []): void {
    this.#worker.postMessage(request, transfer);
  }

  #busy(busy: boolean, status?: string): void {
    byId<HTMLButtonElement>("train-digits").disabled = busy;
    byId("checkpoint").toggleAttribute("disabled", busy);
    byId("digits-progress").hidden = !busy;
    if (status !== undefined) byId("digits-status").textContent = status;
    if (busy) this.#message("");
  }

  #receive(reply: DigitsReply): void {
    switch (reply.type) {
      case "backend":
        this.#onBackend(reply);
        break;
      case "progress": {
        const progress = byId<HTMLProgressElement>("digits-progress");
        progress.value = reply.done / reply.total;
        byId("digits-status").textContent = `Training: epoch ${reply.epoch}/${reply.epochs}, step ${reply.done}/${reply.total}, loss ${reply.loss.toFixed(3)}`;
        break;
      }
      case "ready":
        this.#ready = true;
        this.#busy(false, reply.description);
        byId<HTMLButtonElement>("sample-digit").disabled = false;
        byId<HTMLButtonElement>("save-model").disabled = false;
        this.#predict();
        break;
      case "prediction":
        this.#pending = false;
        // The pad may have been cleared while this prediction was on its way.
        this.#renderBars(this.#pad.empty ? null : reply.probabilities);
        if (this.#again) {
          this.#again = false;
          this.#predict();
        }
        break;
      case "saved": {
        // The trainer's checkpoint format, the same file the pad loads back (and apps/digits writes).
        const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([reply.bytes])), download: "digits-playground.ckpt" });
        link.click();
        setTimeout(() => {
          URL.revokeObjectURL(link.href);
        }, 10_000);
        break;
      }
      case "sample":
        this.#pad.show(reply.pixels);
        this.#predict();
        break;
      case "error":
        this.#pending = false;
        this.#again = false;
        this.#busy(false, this.#ready ? undefined : "No model yet.");
        this.#message(reply.message);
        break;
    }
  }

  #message(text: string): void {
    byId("digits-message").textContent = text;
  }

  /** Predicts at most every 80 ms while drawing. */
  #predictSoon(): void {
    if (this.#throttle !== null) return;
    this.#throttle = window.setTimeout(() => {
      this.#throttle = null;
      this.#predict();
    }, 80);
  }

  #predict(): void {
    const pixels = this.#pad.pixels();
    this.#showInput(pixels);
    if (pixels === null) {
      this.#renderBars(null);
      return;
    }
    if (!this.#ready) {
      byId("digits-status").textContent = "Train a model (or load a checkpoint) to read your digit.";
      return;
    }
    if (this.#pending) {
      this.#again = true;
      return;
    }
    this.#pending = true;
    this.#send({ type: "predict", pixels }, [pixels.buffer]);
  }

  /** The 28 × 28 image the model gets, drawn small beside the guess. */
  #showInput(pixels: Float32Array | null): void {
    const view = byId<HTMLCanvasElement>("model-view");
    const image = new ImageData(SIDE, SIDE);
    for (let i = 0; i < PIXELS; i++) {
      const v = 255 - Math.round((pixels?.[i] ?? 0) * 255);
      image.data.set([v, v, v, 255], 4 * i);
    }
    view.getContext("2d")!.putImageData(image, 0, 0);
  }

  #renderBars(probabilities: Float32Array | null): void {
    const best = probabilities === null ? -1 : probabilities.indexOf(Math.max(...probabilities));
    byId("digit-prediction").textContent = best < 0 ? "?" : String(best);
    byId("digit-confidence").textContent = best < 0 ? "" : `${(probabilities![best]! * 100).toFixed(1)}% sure`;
    byId("bars").replaceChildren(
      ...Array.from({ length: 10 }, (_, digit) => {
        const p = probabilities?.[digit] ?? 0;
        const item = document.createElement("li");
        item.className = digit === best ? "best" : "";
        item.setAttribute("aria-label", `${digit}: ${(p * 100).toFixed(1)}%`);
        const label = Object.assign(document.createElement("span"), { className: "digit", textContent: String(digit) });
        const track = Object.assign(document.createElement("span"), { className: "track" });
        const bar = Object.assign(document.createElement("span"), { className: "bar" });
        bar.style.width = `${(p * 100).toFixed(2)}%`;
        track.append(bar);
        const value = Object.assign(document.createElement("span"), { className: "value", textContent: `${Math.round(p * 100)}%` });
        item.append(label, track, value);
        return item;
      }),
    );
  }
}
