import { ArgumentError, clone, tidy, type Tensor } from "@neurite/tensor-core";
import { Module } from "./module.js";

/**
 * Layers applied one after the other: the feed-forward network of the course notes, input layer → hidden
 * layers → output layer. Its children are named "0", "1", … so its parameters are "0.weight", "0.bias",
 * "2.weight", … The intermediate results are freed as soon as the pass is done; only the output is new.
 *
 * ```ts
 * const model = sequential([dense(8, 16), relu(), dropout(0.5), dense(16, 4)]);
 * model.forward(ones([2, 8])); // [2, 8] → [2, 4]
 * ```
 */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: readonly Module[]) {
    super();
    const given: unknown = layers;
    if (!Array.isArray(given)) throw new ArgumentError({ op: "Sequential", argument: "layers" }, "expected an array of modules");
    layers.forEach((layer: unknown, i) => {
      if (!(layer instanceof Module)) {
        throw new ArgumentError(
          { op: "Sequential", argument: `layers[${i}]` },
          `expected a Module, got ${layer === null ? "null" : typeof layer}; a plain function can be wrapped with lambda(fn)`,
        );
      }
    });
    this.layers = Object.freeze([...layers]);
  }

  override namedChildren(): Record<string, Module> {
    return Object.fromEntries(this.layers.map((layer, i) => [String(i), layer]));
  }

  forward(x: Tensor): Tensor {
    if (this.layers.length === 0) return clone(x);
    return tidy(() => this.layers.reduce((h, layer) => layer.forward(h), x));
  }

  override toString(): string {
    return `Sequential(${this.layers.length} layer${this.layers.length === 1 ? "" : "s"})`;
  }
}

/** A `Sequential` model of `layers`. */
export function sequential(layers: readonly Module[]): Sequential {
  return new Sequential(layers);
}

/**
 * A parameter-free layer from a function of one tensor, for a step no built-in layer covers.
 *
 * ```ts
 * sequential([dense(4, 4), lambda((x) => x.mul(2), "Double")]);
 * ```
 */
export class Lambda extends Module {
  readonly fn: (x: Tensor) => Tensor;
  readonly name: string;

  constructor(fn: (x: Tensor) => Tensor, name = "Lambda") {
    super();
    if (typeof fn !== "function") throw new ArgumentError({ op: "Lambda", argument: "fn" }, `expected a function, got ${typeof fn}`);
    this.fn = fn;
    this.name = name;
  }

  forward(x: Tensor): Tensor {
    return tidy(() => {
      const y = this.fn(x);
      return y === x ? clone(x) : y;
    });
  }

  override toString(): string {
    return `${this.name}()`;
  }
}

/** A `Lambda` layer applying `fn`. */
export function lambda(fn: (x: Tensor) => Tensor, name?: string): Lambda {
  return new Lambda(fn, name);
}
