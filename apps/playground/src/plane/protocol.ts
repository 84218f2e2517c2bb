import type { BackendKind, BackendReport } from "../backend.js";
import type { PlaneConfig } from "./config.js";
import type { Snapshot } from "./session.js";

/** Messages from the page to the plane's training worker. */
export type PlaneRequest =
  | { readonly type: "backend"; readonly kind: BackendKind; readonly config: PlaneConfig }
  | { readonly type: "reset"; readonly config: PlaneConfig }
  | { readonly type: "play" }
  | { readonly type: "pause" }
  | { readonly type: "step" };

/** Messages from the worker to the page. */
export type PlaneReply =
  | ({ readonly type: "backend" } & BackendReport)
  | {
      readonly type: "points";
      /** x₁, x₂ pairs and labels of the train and test points, to draw under the boundary. */
      readonly train: { readonly x: Float32Array; readonly y: Float32Array };
      readonly test: { readonly x: Float32Array; readonly y: Float32Array };
    }
  | { readonly type: "snapshot"; readonly snapshot: Snapshot; readonly running: boolean; readonly generation: number }
  | { readonly type: "error"; readonly message: string };
