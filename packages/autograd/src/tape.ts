import {
  add,
  clone,
  formatShape,
  full,
  isFloat,
  keep,
  setRecorder,
  shapesEqual,
  tidy,
  type Backend,
  type DType,
  type OpNode,
  type OpRecorder,
  type Tensor,
} from "@neurite/tensor-core";
import { GradientError } from "./errors.js";
import { COMPOSITE_RULES, CUSTOM_PREFIX, RULES, ZERO_GRADIENT, type GradRule, type NodeContext, type Save } from "./rules/index.js";

/** A tensor the backward pass differentiates with respect to; only its identity and metadata are needed. */
export interface Wrt {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly backend: Backend;
}

/** One recorded op: which tensors it joined, its rule, and the tensors the rule asked to keep. */
interface TapeNode {
  readonly op: string;
  readonly rule: GradRule | undefined;
  readonly inputIds: readonly number[];
  /** Whether each input depends on a watched tensor, i.e. needs a gradient. */
  readonly needsGrad: readonly boolean[];
  readonly outputId: number;
  readonly context: NodeContext;
  readonly saved: Tensor[];
}

/**
 * The tape: an op recorder that tensor-core shows every op to while a function is traced. It keeps a list
 * of the ops that depend on the watched tensors, in the order they ran — which is already a topological
 * order — and `backward` walks that list in reverse, applying each op's gradient rule (the chain rule,
 * one op at a time, as micrograd's `backward()` does).
 *
 * Tapes nest for gradients of gradients. A tape remembers the recorder that was installed before it (its
 * `parent`), shows every op to the parent too, and makes its saved copies and runs its backward pass with
 * the parent installed, so that the parent records the backward pass as ordinary ops.
 */
export class Tape implements OpRecorder {
  parent: OpRecorder | null = null;
  private parentClaimed = false;
  private readonly tracked = new Set<number>();
  private nodes: TapeNode[] = [];

  /** Marks `t` as an input of the traced function: gradients flow back to it. */
  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }

  claims(op: string, inputs: readonly Tensor[], primitive: boolean): boolean {
    this.parentClaimed = this.parent?.claims(op, inputs, primitive) ?? false;
    if (primitive) return true;
    // A composite with a rule is one node. One that touches no watched tensor is claimed too: nothing inside
    // it needs a gradient, so it may run its fused kernel. Any other composite is looked into, unless the
    // parent wants it whole.
    const whole = COMPOSITE_RULES.has(op) || op.startsWith(CUSTOM_PREFIX) || !inputs.some((t) => this.tracked.has(t.id));
    return whole && (this.parent === null || this.parentClaimed);
  }

  record(node: OpNode): void {
    // The parent records first, so that the copies saved below are seen by it as copies of tracked tensors.
    if (this.parentClaimed) this.parent!.record(node);
    const output = node.outputs[0]!;
    // Integer and bool results carry no gradient (comparisons, argmax, casts to int); neither do piecewise
    // constant ones. Not tracking them is the same as a zero gradient.
    if (!isFloat(output.dtype) || ZERO_GRADIENT.has(node.op)) return;
    const needsGrad = node.inputs.map((t) => this.tracked.has(t.id));
    if (!needsGrad.includes(true)) return;
    const rule = node.op.startsWith(CUSTOM_PREFIX) ? (node.attrs.rule as GradRule) : RULES.get(node.op);
    const { inputs, out, saved } = rule === undefined ? { inputs: [], out: undefined, saved: [] } : this.save(rule.save, node);
    const op = node.op;
    this.nodes.push({
      op,
      rule,
      inputIds: node.inputs.map((t) => t.id),
      needsGrad,
      outputId: output.id,
      saved,
      context: {
        op,
        attrs: node.attrs,
        inputShapes: node.inputs.map((t) => t.shape),
        inputDTypes: node.inputs.map((t) => t.dtype),
        outputShape: output.shape,
        input: (i) => inputs[i] ?? notSaved(op, `input ${i}`),
        output: () => out ?? notSaved(op, "the output"),
      },
    });
    this.tracked.add(output.id);
  }

  /**
   * Keeps what a rule will read: a new handle on the same data (no copy), exempt from the caller's tidy
   * scopes, made with the parent installed so that an outer tape tracks it like the original.
   */
  private save(save: Save, node: OpNode): { inputs: (Tensor | undefined)[]; out: Tensor | undefined; saved: Tensor[] } {
    const previous = setRecorder(this.parent);
    try {
      const saved: Tensor[] = [];
      const hold = (t: Tensor): Tensor => {
        const copy = keep(clone(t));
        saved.push(copy);
        return copy;
      };
      const wanted = (i: number) => save === "inputs" || save === "both" || (Array.isArray(save) && save.includes(i));
      const inputs = node.inputs.map((t, i) => (wanted(i) ? hold(t) : undefined));
      const out = save === "output" || save === "both" ? hold(node.outputs[0]!) : undefined;
      return { inputs, out, saved };
    } finally {
      setRecorder(previous);
    }
  }

  /**
   * The backward pass: seeds ∂L/∂output with `seed` (the tape takes ownership of it), applies the rules of
   * the recorded ops from last to first, summing the gradients of tensors used more than once, and returns
   * ∂L/∂t for each of `wrt` (zeros where the output does not depend on it). With `release`, each node's
   * saved tensors are freed as soon as it has been processed.
   */
  backward(outputId: number, seed: Tensor, wrt: readonly Wrt[], release: boolean): Tensor[] {
    const grads = new Map<number, Tensor>([[outputId, seed]]);
    const handedOut = new Set<number>();
    const previous = setRecorder(this.parent);
    try {
      for (let i = this.nodes.length - 1; i >= 0; i--) {
        const node = this.nodes[i]!;
        const g = grads.get(node.outputId);
        if (g !== undefined) {
          grads.delete(node.outputId);
          try {
            accumulate(grads, node, applyRule(node, g));
          } finally {
            g.dispose();
          }
        }
        if (release) freeNode(node);
      }
      // A tensor listed twice (one Variable in two places of a tree) gets a handle per place.
      return wrt.map((t) => {
        const g = grads.get(t.id);
        if (g === undefined) return full(t.shape, 0, { dtype: t.dtype, backend: t.backend });
        if (handedOut.has(t.id)) return clone(g);
        handedOut.add(t.id);
        return g;
      });
    } finally {
      setRecorder(previous);
      for (const [id, g] of grads) if (!handedOut.has(id)) g.dispose();
    }
  }

  /** Frees every saved tensor; the tape is empty afterwards. */
  dispose(): void {
    for (const node of this.nodes) freeNode(node);
    this.nodes = [];
    this.tracked.clear();
  }
}

function notSaved(op: string, what: string): never {
  throw new GradientError({ op }, `the gradient rule read ${what}, which its \`save\` does not list; add it to \`save\``);
}

function freeNode(node: TapeNode): void {
  for (const t of node.saved) t.dispose();
  node.saved.length = 0;
}

/**
 * Runs one node's rule for the inputs that need a gradient, checking that each gradient has its input's
 * shape and dtype. Every gradient comes back as a new handle (a clone: no copy) and everything else the rule
 * made dies with the tidy scope — so a rule may return g itself, a saved tensor or one tensor for two inputs,
 * and every gradient in the running sums can still be disposed on its own.
 */
function applyRule(node: TapeNode, g: Tensor): (Tensor | null)[] {
  const rule = node.rule;
  if (rule === undefined) {
    throw new GradientError(
      { op: node.op },
      "autograd has no gradient rule for this op, and the traced function's output depends on its result; " +
        "give it one with customGrad, or wrap its input in stopGradient if no gradient should flow through it",
    );
  }
  const { inputShapes, inputDTypes } = node.context;
  return tidy((scope) => {
    const thunks = rule.backward(g, node.context);
    // A gradient the rule made is handed on as it is; one it was given (g itself, a saved tensor) or returned
    // twice gets a new handle, so that each input's gradient is a tensor of its own.
    const handedOn = new Set<Tensor>();
    return node.needsGrad.map((needed, i) => {
      const gi = needed ? (thunks[i]?.() ?? null) : null;
      if (gi === null) return null;
      if (!fits(gi, inputShapes[i]!, inputDTypes[i]!)) {
        throw new GradientError(
          { op: node.op, argument: String(i) },
          `the gradient rule returned ${gi.dtype} of shape ${formatShape(gi.shape)} for input ${i}, which is ` +
            `${inputDTypes[i]!} of shape ${formatShape(inputShapes[i]!)}; a gradient has its input's shape and dtype`,
        );
      }
      if (!scope.owns(gi) || handedOn.has(gi)) return clone(gi);
      handedOn.add(gi);
      return gi;
    });
  });
}

function fits(t: Tensor, shape: readonly number[], dtype: DType): boolean {
  return t.dtype === dtype && shapesEqual(t.shape, shape);
}

/** Adds each input's gradient into the running sums (a tensor used twice gets the sum of both). */
function accumulate(grads: Map<number, Tensor>, node: TapeNode, inputGrads: readonly (Tensor | null)[]): void {
  for (const [i, gi] of inputGrads.entries()) {
    if (gi === null) continue;
    const id = node.inputIds[i]!;
    const previous = grads.get(id);
    if (previous === undefined) {
      grads.set(id, gi);
    } else {
      grads.set(id, add(previous, gi));
      previous.dispose();
      gi.dispose();
    }
  }
}
