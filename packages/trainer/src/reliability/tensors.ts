import { GradientError, grad, valueAndGrad } from "@neurite/autograd";
import { ArgumentError, DisposedError, ShapeError, matmul, randomUniform, tensor, type Tensor } from "@neurite/tensor-core";
import type { Refusal } from "./table.js";

/** tensor-core and autograd: shapes, disposed tensors, non-scalar gradients. */
export const tensors: readonly Refusal[] = [
  {
    name: "reshape to a size that does not match",
    error: ShapeError,
    words: ["reshape", "[2, 3]", "[4]"],
    arrange: () => {
      const x = tensor([[1, 2, 3], [4, 5, 6]]);
      return { act: () => x.reshape([4]), state: () => [...x.dataSync()], cleanup: () => { x.dispose(); } };
    },
  },
  {
    name: "matmul with inner sizes that differ",
    error: ShapeError,
    words: ["matmul", "[2, 3]", "[2, 2]"],
    arrange: () => {
      const [a, b] = [tensor([[1, 2, 3], [4, 5, 6]]), tensor([[1, 2], [3, 4]])];
      return { act: () => matmul(a, b), cleanup: () => { [a, b].forEach((t) => { t.dispose(); }); } };
    },
  },
  {
    name: "a disposed tensor used again",
    error: DisposedError,
    words: ["add", "disposed"],
    arrange: () => {
      const x = tensor([1, 2]);
      x.dispose();
      return { act: () => x.add(1) };
    },
  },
  {
    name: "a ragged nested array",
    error: ShapeError,
    words: ["tensor", "ragged"],
    arrange: () => ({ act: () => tensor([[1, 2], [3]] as never) }),
  },
  {
    name: "grad of a function that returns a non-scalar",
    error: GradientError,
    words: ["grad (argument 'f')", "shape [2]", "scalar"],
    arrange: () => {
      const x = tensor([1, 2]);
      return { act: () => grad((t: Tensor) => t.mul(2))(x), state: () => [...x.dataSync()], cleanup: () => { x.dispose(); } };
    },
  },
  {
    name: "valueAndGrad of a function that returns no tensor",
    error: GradientError,
    words: ["valueAndGrad (argument 'f')", "returned a number", "expected it to return a tensor"],
    arrange: () => {
      const x = tensor([1, 2]);
      return { act: () => valueAndGrad((_t: Tensor) => 3 as never)(x), cleanup: () => { x.dispose(); } };
    },
  },
  {
    name: "a seed that is not an integer",
    error: ArgumentError,
    words: ["randomUniform", "seed", "1.5"],
    arrange: () => ({ act: () => randomUniform([2], { seed: 1.5 }) }),
  },
];
