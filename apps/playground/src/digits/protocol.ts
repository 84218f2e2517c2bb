import type { BackendKind, BackendReport } from "../backend.js";

/** Messages from the page to the digit worker. */
export type DigitsRequest =
  | { readonly type: "backend"; readonly kind: BackendKind }
  | { readonly type: "train"; readonly url: string }
  | { readonly type: "load"; readonly bytes: ArrayBuffer; readonly name: string }
  | { readonly type: "predict"; readonly pixels: Float32Array }
  | { readonly type: "sample"; readonly url: string }
  | { readonly type: "save" };

/** Messages from the digit worker to the page. */
export type DigitsReply =
  | ({ readonly type: "backend" } & BackendReport)
  | { readonly type: "progress"; readonly done: number; readonly total: number; readonly loss: number; readonly epoch: number; readonly epochs: number }
  | { readonly type: "ready"; readonly description: string }
  | { readonly type: "prediction"; readonly probabilities: Float32Array }
  | { readonly type: "sample"; readonly pixels: Float32Array; readonly label: number }
  | { readonly type: "saved"; readonly bytes: ArrayBuffer }
  | { readonly type: "error"; readonly message: string };
