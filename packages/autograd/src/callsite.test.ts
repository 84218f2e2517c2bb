import { cpu } from "@neurite/backend-cpu";
import { callSite, DisposedError, ShapeError, setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";

/** What `fn` throws (undefined if nothing). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}
import { grad, valueAndGrad } from "./index.js";

beforeAll(async () => {
  await setBackend(cpu());
});

describe("errors inside grad name grad and the argument, not an inner op", () => {
  it("grad on a disposed input says grad (argument 'args[0]'), not clone", () => {
    const x = tensor([1, 2]);
    x.dispose();
    const error = thrown(() => grad((t: Tensor) => t.square().sum())(x)) as DisposedError;
    expect(error).toBeInstanceOf(DisposedError);
    expect(error.op).toBe("grad");
    expect(error.argument).toBe("args[0]");
    expect(error.message).toMatch(/^grad \(argument 'args\[0\]'\): tensor #\d+ of shape \[2\] \(float32\) was disposed.*\(raised in clone\)$/);
  });

  it("a disposed tensor inside a tree names the tree's argument", () => {
    const p = { w: tensor([1]), b: tensor([2]) };
    p.b.dispose();
    expect(() => valueAndGrad((q: typeof p) => q.w.add(q.b).sum())(p)).toThrow(/^valueAndGrad \(argument 'args\[0\]'\)/);
    p.w.dispose();
  });
});

describe("an error raised in the user's f keeps the name of the call the user wrote", () => {
  it("an op in f names that op, not grad", () => {
    const error = thrown(() => grad((t: Tensor) => t.add(tensor([1, 2, 3])).sum())(tensor([1, 2]))) as ShapeError;
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.op).toBe("add");
    expect(error.message).toMatch(/^add: /);
    expect(error.message).not.toMatch(/grad/);
  });

  it("a public function called in f (a loss, a layer) names itself, with the inner op as origin", () => {
    const myLoss = (p: Tensor, y: Tensor) => callSite("myLoss", { predictions: p, targets: y }, () => p.sub(y).square().mean());
    const y = tensor([1, 2, 3]);
    const error = thrown(() => valueAndGrad((t: Tensor) => myLoss(t, y))(tensor([1, 2]))) as ShapeError;
    expect(error).toBeInstanceOf(ShapeError);
    expect(error.op).toBe("myLoss");
    expect(error.origin).toMatch(/^sub/);
  });

  it("holds through nested transforms (a gradient of a gradient)", () => {
    const inner = (t: Tensor) => grad((u: Tensor) => u.mul(tensor([1, 2, 3])).sum())(t).sum();
    const error = thrown(() => grad(inner)(tensor([1, 2]))) as ShapeError;
    expect(error.op).toBe("mul");
  });
});
