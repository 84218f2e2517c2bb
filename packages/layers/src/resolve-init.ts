import { ArgumentError } from "@neurite/tensor-core";
import { glorotNormal, glorotUniform, heNormal, heUniform, normal, ones, uniform, zeros, type Initializer, type InitializerName } from "./initializers.js";

/** The initializer each name stands for: its factory, called with its defaults. */
const NAMED: Readonly<Record<InitializerName, () => Initializer>> = { zeros, ones, normal, uniform, glorotUniform, glorotNormal, heUniform, heNormal };

/** Turns a layer's `init` option (an initializer or its name) into an initializer. */
export function resolveInitializer(init: Initializer | InitializerName): Initializer {
  if (typeof init === "function") return init;
  // Checked at run time too: JavaScript callers pass anything (and "toString" is no initializer).
  if (!Object.hasOwn(NAMED, init)) {
    const given: unknown = init;
    throw new ArgumentError({ op: "initializer", argument: "init" }, `unknown initializer '${String(given)}'; expected a function or one of ${Object.keys(NAMED).join(", ")}`);
  }
  return NAMED[init]();
}
