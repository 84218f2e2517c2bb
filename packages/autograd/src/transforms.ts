import { callSite, cast, clone, formatShape, holdGradients, isFloat, setRecorder, shapesEqual, tensor, Tensor, tidy, userFunction, Variable } from "@neurite/tensor-core";
import { GradientError } from "./errors.js";
import { Tape, type Wrt } from "./tape.js";
import { mapTree, type Grad } from "./tree.js";

/** The gradients for the arguments listed in `argnums`, in that order. */
export type GradsAt<A extends readonly unknown[], N extends readonly number[]> = { -readonly [K in keyof N]: Grad<A[N[K] & keyof A]> };

/** One traced call of `f`: the tape, `f`'s output (our own handle on it) and the watched inputs. */
interface Trace {
  readonly tape: Tape;
  readonly output: Tensor;
  /** The watched tensors, one list per differentiated argument, in tree order. */
  readonly wrt: readonly (readonly Wrt[])[];
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? `an object (${value.constructor.name})` : `a ${typeof value}`;
}

function checkArgnums(op: string, argnums: readonly number[], count: number): void {
  for (const [k, n] of argnums.entries()) {
    if (!Number.isInteger(n) || n < 0 || n >= count) {
      throw new GradientError(
        { op, argument: "argnums" },
        `argnum ${n} does not name one of the ${count} arguments the function was called with; expected an integer in [0, ${count})`,
      );
    }
    if (argnums.indexOf(n) !== k) throw new GradientError({ op, argument: "argnums" }, `argnum ${n} is listed twice`);
  }
}

/**
 * Runs `f` on `args` with a tape installed. Each tensor of the differentiated arguments is replaced by a new
 * handle (a clone, recorded by any outer tape) that the tape watches, so that two arguments holding the same
 * tensor get separate gradients. A Variable is passed as it is and its current value is watched, since f
 * reads it through `.value`; a variable that is not trainable is a constant. `f` runs inside a tidy scope: everything it creates and does not return is
 * freed (the tape keeps its own handles on what the backward pass needs). With `requireTensor`, every
 * differentiated argument must hold at least one tensor.
 */
function trace(op: string, f: (...args: unknown[]) => unknown, args: readonly unknown[], argnums: readonly number[], requireTensor: boolean): Trace {
  checkArgnums(op, argnums, args.length);
  const tape = new Tape();
  const primals: Tensor[] = [];
  const wrt: Wrt[][] = argnums.map(() => []);
  let output: Tensor;
  try {
    const traced = args.map((arg, i) => {
      const k = argnums.indexOf(i);
      if (k === -1) return arg;
      return mapTree(
        arg,
        `args[${i}]`,
        (leaf, path) => {
          const t = leaf instanceof Variable ? leaf.value : leaf;
          if (leaf instanceof Variable && !leaf.trainable) {
            // A frozen variable is a constant: its gradient is zeros (no tensor has id −1).
            wrt[k]!.push({ id: -1, shape: t.shape, dtype: t.dtype, backend: t.backend });
            return leaf;
          }
          if (!isFloat(t.dtype)) {
            throw new GradientError(
              { op, argument: path },
              `cannot differentiate with respect to a ${t.dtype} ${leaf instanceof Variable ? "variable" : "tensor"} of shape ${formatShape(t.shape)}; gradients exist for float32 and float64 tensors only — cast it, or leave its argument out of argnums`,
            );
          }
          if (leaf instanceof Variable) {
            // f reads the variable's value itself, so that tensor is the one to watch.
            tape.watch(t);
            wrt[k]!.push({ id: t.id, shape: t.shape, dtype: t.dtype, backend: t.backend });
            return leaf;
          }
          const p = clone(t);
          primals.push(p);
          tape.watch(p);
          wrt[k]!.push({ id: p.id, shape: p.shape, dtype: p.dtype, backend: p.backend });
          return p;
        },
        (v) => v,
      );
    });
    const empty = wrt.findIndex((list) => list.length === 0);
    if (requireTensor && empty !== -1) {
      throw new GradientError(
        { op, argument: `args[${argnums[empty]!}]` },
        `the argument holds no tensor to differentiate with respect to (it is ${describe(args[argnums[empty]!])}); list only tensor arguments in argnums`,
      );
    }
    tape.parent = setRecorder(tape);
    try {
      output = tidy(() => {
        const result = userFunction(() => f(...traced));
        if (result instanceof Promise) {
          throw new GradientError({ op, argument: "f" }, "the function returned a Promise; gradients trace synchronous functions only");
        }
        if (!(result instanceof Tensor)) {
          throw new GradientError({ op, argument: "f" }, `the function returned ${describe(result)}; expected it to return a tensor`);
        }
        // Our own handle: f may return one of its arguments, which is not ours to free.
        return clone(result);
      });
    } finally {
      setRecorder(tape.parent);
    }
  } catch (error) {
    tape.dispose();
    throw error;
  } finally {
    for (const p of primals) p.dispose();
  }
  if (!isFloat(output.dtype)) {
    output.dispose();
    tape.dispose();
    throw new GradientError({ op, argument: "f" }, `the function returned a ${output.dtype} tensor; gradients need a float32 or float64 output`);
  }
  return { tape, output, wrt };
}

/** The gradient trees of the differentiated arguments, from the flat list of gradients. */
function rebuild(args: readonly unknown[], argnums: readonly number[], flat: readonly Tensor[]): unknown[] {
  let next = 0;
  return argnums.map((i) =>
    mapTree(
      args[i],
      "",
      () => flat[next++],
      () => null,
    ),
  );
}

/** The (variable, gradient) pairs of the Variables among the differentiated arguments, in tree order. */
function variableGradients(args: readonly unknown[], argnums: readonly number[], flat: readonly Tensor[]): [Variable, Tensor][] {
  const pairs: [Variable, Tensor][] = [];
  let next = 0;
  for (const i of argnums) {
    mapTree(
      args[i],
      "",
      (leaf) => {
        const g = flat[next++]!;
        if (leaf instanceof Variable) pairs.push([leaf, g]);
      },
      () => null,
    );
  }
  return pairs;
}

/**
 * Traces `f`, checks that it returned one value, and runs the backward pass from it. Gradients with respect
 * to Variables go to their variables (which free them when the next ones arrive), and so does the value
 * when `valueOwnedByVariables`: that is what keeps a hand-written training loop flat without a dispose.
 */
function scalarGradients(
  op: string,
  f: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  argnums: readonly number[],
  valueOwnedByVariables: boolean,
): [Tensor, unknown[]] {
  const { tape, output, wrt } = trace(op, f, args, argnums, true);
  try {
    if (output.size !== 1) {
      throw new GradientError(
        { op, argument: "f" },
        `the function returned a tensor of shape ${formatShape(output.shape)}; ${op} needs a scalar (one-element) output — reduce it first (e.g. with .sum() or .mean()), or use vjp with a cotangent`,
      );
    }
    // ∂f/∂f = 1, written from the host: one value uploads without a kernel launch.
    const seed = tensor([1], { shape: output.shape, dtype: output.dtype, backend: output.backend });
    const flat = tape.backward(output.id, seed, wrt.flat(), true);
    holdGradients(variableGradients(args, argnums, flat), valueOwnedByVariables ? output : null);
    return [output, rebuild(args, argnums, flat)];
  } catch (error) {
    output.dispose();
    throw error;
  } finally {
    tape.dispose();
  }
}

/** The arguments under the names errors give them: `args[0]`, `args[1]`, … */
function argumentsByName(args: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(args.map((a, i) => [`args[${i}]`, a]));
}

function argnumList(argnums: number | readonly number[]): readonly number[] {
  return typeof argnums === "number" ? [argnums] : argnums;
}

/**
 * The gradient of a function with a scalar output: `grad(f)` is a new function that returns ∂f/∂x for
 * f's first argument (or the arguments listed in `argnums`). Arguments may be tensors or trees of them
 * (arrays and plain objects — a model's parameters); the gradient has the same structure. A Variable in
 * the tree stands for its current value, which f reads itself (a frozen one, `trainable: false`, gets
 * zeros). Everything f creates is freed; only the gradients are new. A gradient with respect to a Variable
 * belongs to the variable (`v.grad`): it is freed when the variable's next gradient is computed, so a training
 * loop needs no dispose; `keep()` it to hold it longer. Gradients of tensor arguments are the caller's.
 *
 * ```ts
 * import { grad } from "@neurite/autograd";
 * const f = (x: Tensor, y: Tensor, z: Tensor) => x.add(y).mul(z);
 * const [dx, dy, dz] = grad(f, [0, 1, 2])(scalar(-2), scalar(5), scalar(-4)); // -4, -4, 3
 * const params = { w: tensor([[0.5], [-1]]), b: tensor([0.1]) };
 * const x = tensor([[1, 2], [3, 4]]);
 * const loss = (p: { w: Tensor; b: Tensor }) => x.matmul(p.w).add(p.b).square().mean();
 * const dParams = grad(loss)(params); // { w, b }: tensors of the shapes of params.w and params.b
 * const model = dense(2, 1);
 * const dWeights = grad((_vars: Record<string, Variable>) => model.forward(x).square().mean())(model.namedParameters());
 * ```
 */
export function grad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => Grad<A[0]>;
export function grad<A extends unknown[], const N extends number>(f: (...args: A) => Tensor, argnums: N): (...args: A) => Grad<A[N]>;
export function grad<A extends unknown[], const N extends readonly number[]>(f: (...args: A) => Tensor, argnums: N): (...args: A) => GradsAt<A, N>;
export function grad(f: (...args: unknown[]) => unknown, argnums: number | readonly number[] = 0): (...args: unknown[]) => unknown {
  const list = argnumList(argnums);
  return (...args) =>
    // An error in grad's own work (a disposed argument) names grad and the argument; one raised in f keeps
    // the name of the call the user wrote there (userFunction).
    callSite("grad", argumentsByName(args), () => {
      const [output, grads] = scalarGradients("grad", f, args, list, false);
      output.dispose();
      return typeof argnums === "number" ? grads[0] : grads;
    });
}

/**
 * Like `grad`, but the new function returns `[value, gradient]`: f's output as well as its gradient, from
 * one forward pass. When gradients are taken with respect to Variables, the value goes with them: it is freed
 * once those variables have newer gradients (`keep()` it to hold it longer); otherwise it is the caller's.
 *
 * ```ts
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor([[1], [0]]);
 * const params = { w: tensor([[0.5], [-1]]) };
 * const [loss, g] = valueAndGrad((p: { w: Tensor }) => mse(x.matmul(p.w), y))(params); // g.w: [2, 1]
 * ```
 */
export function valueAndGrad<A extends unknown[]>(f: (...args: A) => Tensor): (...args: A) => [Tensor, Grad<A[0]>];
export function valueAndGrad<A extends unknown[], const N extends number>(f: (...args: A) => Tensor, argnums: N): (...args: A) => [Tensor, Grad<A[N]>];
export function valueAndGrad<A extends unknown[], const N extends readonly number[]>(
  f: (...args: A) => Tensor,
  argnums: N,
): (...args: A) => [Tensor, GradsAt<A, N>];
export function valueAndGrad(f: (...args: unknown[]) => unknown, argnums: number | readonly number[] = 0): (...args: unknown[]) => [Tensor, unknown] {
  const list = argnumList(argnums);
  return (...args) =>
    callSite("valueAndGrad", argumentsByName(args), () => {
      const [output, grads] = scalarGradients("valueAndGrad", f, args, list, true);
      return [output, typeof argnums === "number" ? grads[0] : grads];
    });
}

/** The result of `vjp`: f's output and a way to pull cotangents back to every argument. */
export interface VJP<A extends readonly unknown[]> extends Disposable {
  /** f's output; the caller's to dispose. */
  readonly value: Tensor;
  /**
   * ∂⟨cotangent, f⟩/∂args: the vector-Jacobian product, one gradient tree per argument. `cotangent` has the
   * output's shape. Can be called several times (once per row of a Jacobian, say) until `dispose()`.
   */
  pullback(cotangent: Tensor): { -readonly [K in keyof A]: Grad<A[K]> };
  /** Frees the tensors saved for the backward pass. `value` and the returned gradients stay valid. */
  dispose(): void;
}

/**
 * Traces `f` and returns its output with a pullback giving the flat list of gradients of the tensors in the
 * arguments listed in `argnums`. Shared by `vjp` and `gradcheck`.
 */
export function pullbackAt(
  op: string,
  f: (...args: unknown[]) => unknown,
  args: readonly unknown[],
  argnums: readonly number[],
): { value: Tensor; pullback: (cotangent: Tensor) => Tensor[]; dispose: () => void } {
  const { tape, output, wrt } = trace(op, f, args, argnums, false);
  let disposed = false;
  return {
    value: output,
    pullback(cotangent) {
      if (disposed) throw new GradientError({ op: "pullback" }, "this vjp result was disposed and its saved tensors are gone; call vjp again");
      if (!(cotangent instanceof Tensor) || !shapesEqual(cotangent.shape, output.shape)) {
        throw new GradientError(
          { op: "pullback", argument: "cotangent" },
          `expected a tensor of the output's shape ${formatShape(output.shape)}, got ${cotangent instanceof Tensor ? `shape ${formatShape(cotangent.shape)}` : describe(cotangent)}`,
        );
      }
      if (!isFloat(cotangent.dtype)) {
        throw new GradientError({ op: "pullback", argument: "cotangent" }, `expected a float tensor, got ${cotangent.dtype}`);
      }
      const seed = cotangent.dtype === output.dtype ? clone(cotangent) : cast(cotangent, output.dtype);
      return tape.backward(output.id, seed, wrt.flat(), false);
    },
    dispose() {
      disposed = true;
      tape.dispose();
    },
  };
}

/**
 * Evaluates `f` at `primals` and returns its output with a pullback: the vector-Jacobian product for any
 * cotangent, for functions whose output is not a scalar. Every argument is differentiated.
 *
 * ```ts
 * using result = vjp((x: Tensor) => x.mul(x), tensor([1, 2, 3]));
 * const [dx] = result.pullback(tensor([1, 0, 1])); // [2, 0, 6]
 * result.value.dispose();
 * ```
 */
export function vjp<A extends unknown[]>(f: (...primals: A) => Tensor, ...primals: A): VJP<A> {
  const argnums = primals.map((_, i) => i);
  const { value, pullback, dispose } = pullbackAt("vjp", f as (...args: unknown[]) => unknown, primals, argnums);
  return {
    value,
    pullback: (cotangent) => rebuild(primals, argnums, pullback(cotangent)) as { -readonly [K in keyof A]: Grad<A[K]> },
    dispose,
    [Symbol.dispose]: dispose,
  };
}
