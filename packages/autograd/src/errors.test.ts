import { cpu } from "@neurite/backend-cpu";
import * as tc from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { customGrad, grad, GradientError, stopGradient, valueAndGrad, vjp } from "./index.js";

type Tensor = tc.Tensor;

beforeAll(async () => {
  await tc.setBackend(cpu());
});

/** A differentiable primitive tensor-core might add tomorrow, which autograd has no rule for yet. */
function newPrimitive(x: Tensor): Tensor {
  return tc.runOp("cube", [x], {}, true, () => tc.mul(x, tc.mul(x, x)));
}

/** Calls fn, expecting a GradientError, and returns it. */
function gradientError(fn: () => unknown): GradientError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GradientError);
    return error as GradientError;
  }
  throw new Error("expected a GradientError");
}

describe("clear, typed errors", () => {
  it("a non-scalar output without a cotangent", () => {
    const error = gradientError(() => grad((x: Tensor) => x.mul(2))(tc.tensor([1, 2])));
    expect(error.op).toBe("grad");
    expect(error.message).toMatch(/shape \[2\].*scalar.*vjp/);
    expect(() => valueAndGrad((x: Tensor) => x)(tc.tensor([1, 2]))).toThrow(GradientError);
  });

  it("a cotangent of the wrong shape or dtype", () => {
    using result = vjp((x: Tensor) => x.mul(2), tc.tensor([1, 2]));
    expect(() => result.pullback(tc.tensor([1, 2, 3]))).toThrow(/expected a tensor of the output's shape \[2\], got shape \[3\]/);
    expect(() => result.pullback(tc.tensor([1, 2], { dtype: "int32" }))).toThrow(/float/);
  });

  it("with respect to an int or a bool tensor, naming where it sits in the arguments", () => {
    const error = gradientError(() => grad((p: { w: Tensor }) => p.w.cast("float32").sum())({ w: tc.tensor([1, 2], { dtype: "int32" }) }));
    expect(error.argument).toBe("args[0].w");
    expect(error.message).toMatch(/int32 tensor of shape \[2\]/);
    expect(() => grad((m: Tensor) => m.cast("float32").sum())(tc.tensor([true]))).toThrow(/bool/);
  });

  it("a function that returns no tensor, a Promise or an int tensor", () => {
    const x = tc.tensor([1]);
    expect(gradientError(() => grad(((_t: Tensor) => 3) as unknown as (t: Tensor) => Tensor)(x)).message).toMatch(/returned a number; expected it to return a tensor/);
    expect(gradientError(() => grad(((_t: Tensor) => undefined) as unknown as (t: Tensor) => Tensor)(x)).message).toMatch(/returned undefined/);
    expect(gradientError(() => grad(((t: Tensor) => ({ loss: t })) as unknown as (t: Tensor) => Tensor)(x)).message).toMatch(/returned an object/);
    expect(gradientError(() => grad(((t: Tensor) => Promise.resolve(t)) as unknown as (t: Tensor) => Tensor)(x)).message).toMatch(/Promise/);
    expect(gradientError(() => grad((t: Tensor) => t.cast("int32").sum())(x)).message).toMatch(/int32 tensor; gradients need a float/);
  });

  it("an op with no gradient rule, named, when the gradient reaches it", () => {
    const error = gradientError(() => grad((x: Tensor) => newPrimitive(x).sum())(tc.tensor([1, 2])));
    expect(error.op).toBe("cube");
    expect(error.message).toMatch(/^cube: autograd has no gradient rule/);
    // An op without a rule is no error when no gradient reaches it.
    expect(grad((x: Tensor) => stopGradient(newPrimitive(x)).add(x).sum())(tc.tensor([1])).arraySync()).toEqual([1]);
    expect(grad((x: Tensor) => tc.max(newPrimitive(x).greater(0).cast("float32")).add(x.sum()))(tc.tensor([1])).arraySync()).toEqual([1]);
  });

  it("argnums that do not name an argument, or name one without a tensor", () => {
    expect(gradientError(() => grad((x: Tensor) => x.sum(), 1)(tc.tensor([1]))).argument).toBe("argnums");
    const error = gradientError(() => grad((x: Tensor, s: number) => x.mul(s).sum(), 1)(tc.tensor([1]), 2));
    expect(error.argument).toBe("args[1]");
    expect(gradientError(() => grad((x: Tensor) => x.sum(), [0, 0])(tc.tensor([1]))).message).toMatch(/listed twice/);
    expect(error.message).toMatch(/holds no tensor to differentiate with respect to \(it is a number\)/);
  });

  it("a customGrad rule that returns the wrong number or shape of gradients", () => {
    const tooFew = customGrad((a: Tensor, b: Tensor) => a.mul(b), (g) => [g], "tooFew");
    expect(gradientError(() => grad((x: Tensor) => tooFew(x, x).sum())(tc.tensor([1]))).message).toMatch(/returned 1 gradients; expected one gradient \(or null\) per input, 2/);
    const wrongShape = customGrad((a: Tensor) => a.sum(), (g) => [g], "wrongShape");
    const error = gradientError(() => grad((x: Tensor) => wrongShape(x))(tc.tensor([1, 2])));
    expect(error.op).toBe("customGrad:wrongShape");
    expect(error.message).toMatch(/returned float32 of shape \[\] for input 0, which is float32 of shape \[2\]/);
  });
});
