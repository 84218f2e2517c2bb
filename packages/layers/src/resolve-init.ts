import { ArgumentError } from "@neurite/tensor-core";
import { glorotNormal, glorotUniform, heNormal, heUniform, normal, ones, uniform, zeros, type Initializer, type InitializerName } from "./initializers.js";

/** Turns a layer's `init` option (an initializer or its name) into an initializer. */
export function resolveInitializer(init: Initializer | InitializerName): Initializer {
  if (typeof init === "function") return init;
  switch (init) {
    case "zeros":
      return zeros();
    case "ones":
      return ones();
    case "normal":
      return normal();
    case "uniform":
      return uniform();
    case "glorotUniform":
      return glorotUniform();
    case "glorotNormal":
      return glorotNormal();
    case "heUniform":
      return heUniform();
    case "heNormal":
      return heNormal();
    default:
      throw new ArgumentError(
        { op: "initializer", argument: "init" },
        `unknown initializer '${String(init satisfies never)}'; expected a function or one of zeros, ones, normal, uniform, glorotUniform, glorotNormal, heUniform, heNormal`,
      );
  }
}
