import { ArgumentError, BackendError, DTypeError, ShapeError, Tensor, Variable, formatShape, shapesEqual } from "@neurite/tensor-core";
import { StateDictError } from "./errors.js";

/** One variable of a module tree, with its dotted path and the module that holds it. */
export interface VariableEntry {
  readonly name: string;
  readonly variable: Variable;
  readonly owner: Module;
  readonly kind: "parameter" | "buffer";
}

/** Options of `Module.loadStateDict`. */
export interface LoadStateDictOptions {
  /**
   * With `strict` (the default), a missing or an unexpected entry is a `StateDictError`. Without it, the
   * entries present are loaded and the names left out are reported. Shapes and dtypes are checked either way.
   */
  readonly strict?: boolean;
}

/** What `Module.loadStateDict` matched and what it did not. */
export interface LoadStateDictResult {
  /** Names the module has and the dict lacked (always empty with `strict`). */
  readonly missing: readonly string[];
  /** Names in the dict the module has no variable for (always empty with `strict`). */
  readonly unexpected: readonly string[];
}

/**
 * The base of every layer and model: a function `forward(x)` with named parameters, nested modules and a
 * training/evaluation mode. A module finds its parts by looking at its own enumerable properties: a
 * `Variable` is a parameter named after the property, a `Module` is a child, an array of
 * modules gives children `name.0`, `name.1`, … Parameters are named by dotted paths from the root —
 * `"0.weight"` and `"0.bias"` in a `Sequential`, `"conv1.weight"` in a custom module. (`#private` fields are
 * not enumerable, so they stay hidden.)
 *
 * ```ts
 * class Net extends Module {
 *   readonly conv1 = conv2d(1, 8, 3, { padding: "same" });
 *   readonly flatten = flatten();
 *   readonly head = dense(8 * 28 * 28, 10);
 *   forward(x: Tensor): Tensor {
 *     return tidy(() => this.head.forward(this.flatten.forward(this.conv1.forward(x).relu())));
 *   }
 * }
 * const net = new Net();
 * Object.keys(net.namedParameters()); // ["conv1.weight", "conv1.bias", "head.weight", "head.bias"]
 * ```
 */
export abstract class Module implements Disposable {
  #training = true;
  readonly #buffers = new Set<Variable>();

  /** Computes the module's output. Layers run their own intermediate results in a `tidy` scope. */
  abstract forward(x: Tensor): Tensor;

  /** How the module names itself in messages and summaries, e.g. `Dense(8 → 16, relu)`. */
  toString(): string {
    return `${this.constructor.name}()`;
  }

  /**
   * Marks a variable as a buffer: state that belongs to the module and its state dict but is not a
   * parameter (BatchNorm's running statistics). Returns the variable, for use in a field initializer.
   */
  protected buffer<V extends Variable>(v: V): V {
    this.#buffers.add(v);
    return v;
  }

  /** The module's own variables (not its children's), by property name, in declaration order. */
  protected ownVariables(): [string, Variable][] {
    return Object.entries(this).filter((entry): entry is [string, Variable] => entry[1] instanceof Variable);
  }

  /** The direct submodules by name. Override to name them otherwise (`Sequential` uses "0", "1", …). */
  namedChildren(): Record<string, Module> {
    const children: Record<string, Module> = {};
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) {
        children[key] = value;
      } else if (Array.isArray(value)) {
        value.forEach((item: unknown, i) => {
          if (item instanceof Module) children[`${key}.${i}`] = item;
        });
      }
    }
    return children;
  }

  children(): Module[] {
    return Object.values(this.namedChildren());
  }

  /** This module (path "") and every module below it, parents before children, each once. */
  namedModules(): [string, Module][] {
    const found: [string, Module][] = [];
    const seen = new Set<Module>();
    const walk = (module: Module, path: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      found.push([path, module]);
      for (const [name, child] of Object.entries(module.namedChildren())) walk(child, path === "" ? name : `${path}.${name}`);
    };
    walk(this, "");
    return found;
  }

  /** Every variable of the tree — parameters and buffers — each once, under the first path that reaches it. */
  variableEntries(): VariableEntry[] {
    const entries: VariableEntry[] = [];
    const seen = new Set<Variable>();
    for (const [path, module] of this.namedModules()) {
      for (const [name, variable] of module.ownVariables()) {
        if (seen.has(variable)) continue;
        seen.add(variable);
        const kind = module.#buffers.has(variable) ? "buffer" : "parameter";
        entries.push({ name: path === "" ? name : `${path}.${name}`, variable, owner: module, kind });
      }
    }
    return entries;
  }

  /** The parameters by dotted path: `{ "0.weight": …, "0.bias": …, "2.weight": … }`. */
  namedParameters(): Record<string, Variable> {
    return Object.fromEntries(this.variableEntries().flatMap((e) => (e.kind === "parameter" ? [[e.name, e.variable]] : [])));
  }

  parameters(): Variable[] {
    return Object.values(this.namedParameters());
  }

  /** The buffers (non-parameter state such as running statistics) by dotted path. */
  namedBuffers(): Record<string, Variable> {
    return Object.fromEntries(this.variableEntries().flatMap((e) => (e.kind === "buffer" ? [[e.name, e.variable]] : [])));
  }

  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  get training(): boolean {
    return this.#training;
  }

  /** Sets training mode (or evaluation mode with `false`) on this module and every module below it. */
  train(mode = true): this {
    for (const [, module] of this.namedModules()) module.#training = mode;
    return this;
  }

  /** Evaluation mode: Dropout is the identity, BatchNorm uses its running statistics. */
  eval(): this {
    return this.train(false);
  }

  /**
   * The values of every parameter and buffer by dotted path, as new tensor handles (tensors are immutable,
   * so no data is copied): later training does not change them. The caller owns them.
   */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.variableEntries().map((e) => [e.name, e.variable.value.clone()]));
  }

  /**
   * Loads a state dict into the module's variables. Everything is checked before anything is written — the
   * names (see `strict`), the shapes and the dtypes — so a bad dict leaves the module as it was. Errors name
   * the entry, the layer that holds it, and the shapes.
   *
   * ```ts
   * const model = sequential([dense(3, 4), dense(4, 1)]);
   * const other = sequential([dense(3, 4), dense(4, 1)]);
   * const saved = model.stateDict();
   * other.loadStateDict(saved);
   * ```
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const op = "loadStateDict";
    const strict = options.strict ?? true;
    const { matched, missing, unexpected } = matchEntries(op, this, this.variableEntries(), dict, true);
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts = [
        ...(missing.length > 0 ? [`missing ${missing.map((n) => `'${n}'`).join(", ")}`] : []),
        ...(unexpected.length > 0 ? [`unexpected ${unexpected.map((n) => `'${n}'`).join(", ")}`] : []),
      ];
      throw new StateDictError(
        { op },
        `the state dict does not match ${this.toString()}: ${parts.join("; ")}. Nothing was loaded; pass { strict: false } to load the entries that match`,
        missing,
        unexpected,
      );
    }
    for (const [entry, value] of matched) entry.variable.assign(value);
    return { missing, unexpected };
  }

  /** Frees every variable of the tree. The module cannot run afterwards. */
  dispose(): void {
    for (const entry of this.variableEntries()) entry.variable.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Pairs a dict's entries with a module's variables, checking each pair's shape (and dtype and backend
 * instance, with `sameDType`, as loading needs): a ShapeError or DTypeError lists every bad entry with the layer that holds it.
 */
export function matchEntries(
  op: string,
  root: Module,
  entries: readonly VariableEntry[],
  dict: Readonly<Record<string, unknown>>,
  sameDType: boolean,
): { matched: [VariableEntry, Tensor][]; missing: string[]; unexpected: string[] } {
  const given: unknown = dict;
  if (typeof given !== "object" || given === null) {
    throw new ArgumentError({ op, argument: "dict" }, `expected an object of tensors by name, got ${given === null ? "null" : typeof given}`);
  }
  const byName = new Map(entries.map((e) => [e.name, e]));
  const matched: [VariableEntry, Tensor][] = [];
  const unexpected: string[] = [];
  const shapeProblems: string[] = [];
  const dtypeProblems: string[] = [];
  for (const [name, value] of Object.entries(dict)) {
    const entry = byName.get(name);
    if (entry === undefined) {
      unexpected.push(name);
      continue;
    }
    if (!(value instanceof Tensor)) {
      throw new ArgumentError({ op, argument: name }, `expected a tensor for '${name}' of ${entry.owner.toString()}, got ${value === null ? "null" : typeof value}`);
    }
    if (value.isDisposed) {
      throw new ArgumentError({ op, argument: name }, `the tensor for '${name}' of ${entry.owner.toString()} was disposed`);
    }
    // A loaded tensor is assigned into the variable, so it must live where the variable does (a functional
    // call's substitutes may not: gradcheck evaluates a GPU model on a CPU reference).
    const home = entry.variable.value.backend;
    if (sameDType && value.backend !== home) {
      const which = value.backend.name === home.name ? `another instance of backend '${home.name}'` : `backend '${value.backend.name}'`;
      throw new BackendError(
        { op, argument: name },
        `the tensor for '${name}' of ${entry.owner.toString()} lives on ${which}, the model on its own '${home.name}'; create it there (e.g. tensor(values, { backend })) — nothing was loaded`,
      );
    }
    const expected = entry.variable.shape;
    if (!shapesEqual(value.shape, expected)) {
      shapeProblems.push(`'${name}' of ${entry.owner.toString()} expects shape ${formatShape(expected)}, got ${formatShape(value.shape)}`);
    } else if (sameDType && value.dtype !== entry.variable.dtype) {
      dtypeProblems.push(`'${name}' of ${entry.owner.toString()} expects dtype ${entry.variable.dtype}, got ${value.dtype}`);
    }
    matched.push([entry, value]);
  }
  const missing = entries.filter((e) => !Object.hasOwn(dict, e.name)).map((e) => e.name);
  if (shapeProblems.length > 0) {
    throw new ShapeError({ op, argument: firstName(shapeProblems) }, `${shapeProblems.join("; ")} (loading into ${root.toString()}); nothing was loaded`);
  }
  if (dtypeProblems.length > 0) {
    throw new DTypeError({ op, argument: firstName(dtypeProblems) }, `${dtypeProblems.join("; ")} (loading into ${root.toString()}); cast the tensors first; nothing was loaded`);
  }
  return { matched, missing, unexpected };
}

function firstName(problems: readonly string[]): string {
  return /^'([^']*)'/.exec(problems[0]!)?.[1] ?? "";
}
