import { Tensor, Variable } from "@neurite/tensor-core";

/**
 * The gradient of a value with respect to a tree of tensors has the same shape as the tree: a tensor for a
 * tensor or a Variable, the same arrays and plain objects around them, and `null` for any other leaf (a
 * number, a string — a model's settings can sit next to its parameters).
 */
export type Grad<T> = T extends Tensor | Variable
  ? Tensor
  : T extends readonly unknown[]
    ? { -readonly [K in keyof T]: Grad<T[K]> }
    : T extends object
      ? { -readonly [K in keyof T]: Grad<T[K]> }
      : null;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What gradients are taken with respect to: tensors, and Variables (a model's weights). */
export type Leaf = Tensor | Variable;

/**
 * Rebuilds `tree` with every tensor or Variable replaced by `leaf(t, path)` and every other leaf by
 * `other(v, path)`.
 * Arrays and plain objects are walked in a fixed order (indices, then `Object.entries` order), so two walks
 * of one tree visit the tensors in the same order. `path` reads like code: `args[0].layers[1].w`.
 */
export function mapTree(tree: unknown, path: string, leaf: (t: Leaf, path: string) => unknown, other: (value: unknown, path: string) => unknown): unknown {
  if (tree instanceof Tensor || tree instanceof Variable) return leaf(tree, path);
  if (Array.isArray(tree)) return tree.map((v: unknown, i) => mapTree(v, `${path}[${i}]`, leaf, other));
  if (isPlainObject(tree)) {
    return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapTree(v, `${path}.${k}`, leaf, other)]));
  }
  return other(tree, path);
}

