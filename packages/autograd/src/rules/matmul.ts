import { matmul } from "@neurite/tensor-core";
import { rule, type GradRule } from "./rule.js";
import { unbroadcast } from "./util.js";

/*
 * C = op(A)·op(B), where op transposes the last two axes when the recorded flag says so. Then
 * ∂L/∂op(A) = G·op(B)ᵀ and ∂L/∂op(B) = op(A)ᵀ·G; a transposed operand takes the transpose of that, which
 * the flags express without a transpose op. Batch axes that broadcast are summed away by `unbroadcast`.
 */
export const matmulRules: Record<string, GradRule> = {
  matmul: rule("inputs", (g, n) => {
    const [a, b] = [n.input(0), n.input(1)];
    const ta = n.attrs.transposeA as boolean;
    const tb = n.attrs.transposeB as boolean;
    return [
      () =>
        unbroadcast(
          ta ? matmul(b, g, { transposeA: tb, transposeB: true }) : matmul(g, b, { transposeB: !tb }),
          a.shape,
        ),
      () =>
        unbroadcast(
          tb ? matmul(g, a, { transposeA: true, transposeB: ta }) : matmul(a, g, { transposeA: !ta }),
          b.shape,
        ),
    ];
  }),
};
