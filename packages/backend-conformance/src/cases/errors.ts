import {
  add,
  argmax,
  ArgumentError,
  broadcastTo,
  concat,
  conv2d,
  DisposedError,
  DTypeError,
  exp,
  expandDims,
  gather,
  leakyRelu,
  linear,
  log,
  logSumExp,
  matmul,
  maxPool2d,
  mean,
  ones,
  pad,
  randomNormal,
  randomUniform,
  relu,
  reshape,
  setSeed,
  ShapeError,
  sigmoid,
  slice,
  softmax,
  split,
  squeeze,
  stack,
  sum,
  tensor,
  tidy,
  transpose,
  where,
  zeros,
  type DType,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { Tracker } from "../check.js";
import { defineCase, expectError, type ErrorExpectation } from "../define.js";

const GROUP = "errors";

/**
 * A case that makes the tensors `setup` asks for, then expects `act` to throw the typed error. Every tensor
 * made here is disposed afterwards, and the leak check verifies the failing op left nothing behind.
 */
function errorCase(
  name: string,
  dtypes: readonly DType[],
  setup: (t: (shape: readonly number[], dtype?: DType) => Tensor) => () => unknown,
  want: ErrorExpectation,
): ConformanceCase {
  const full = `error/${name}`;
  return defineCase(GROUP, full, ["float32", ...dtypes], async () => {
    using tracker = new Tracker();
    const make = (shape: readonly number[], dtype: DType = "float32") => tracker.track(ones(shape, { dtype }));
    await expectError(full, setup(make), want);
  });
}

/** The cases that check typed errors. */
export function errorCases(): ConformanceCase[] {
  return [
    // --- shapes ---
    errorCase("add/mismatched shapes [2, 3]+[4, 5]", [], (t) => {
      const a = t([2, 3]);
      const b = t([4, 5]);
      return () => add(a, b);
    }, { type: ShapeError, op: "add", mentions: ["[2, 3]", "[4, 5]"] }),
    errorCase("add/mismatched shapes [3]+[2, 4]", [], (t) => {
      const a = t([3]);
      const b = t([2, 4]);
      return () => add(a, b);
    }, { type: ShapeError, op: "add", mentions: ["[3]", "[2, 4]"] }),
    errorCase("matmul/inner dimensions [2, 3]@[4, 5]", [], (t) => {
      const a = t([2, 3]);
      const b = t([4, 5]);
      return () => matmul(a, b);
    }, { type: ShapeError, op: "matmul", argument: "b", mentions: ["[2, 3]", "[4, 5]"] }),
    errorCase("matmul/inner dimensions with transposeB [2, 3]@[3, 4]ᵀ", [], (t) => {
      const a = t([2, 3]);
      const b = t([3, 4]);
      return () => matmul(a, b, { transposeB: true });
    }, { type: ShapeError, op: "matmul", argument: "b", mentions: ["[2, 3]", "[3, 4]"] }),
    errorCase("matmul/batch dims [2, 2, 3]@[3, 3, 4]", [], (t) => {
      const a = t([2, 2, 3]);
      const b = t([3, 3, 4]);
      return () => matmul(a, b);
    }, { type: ShapeError, op: "matmul", mentions: ["[2]", "[3]"] }),
    errorCase("matmul/scalar operand", [], (t) => {
      const a = t([]);
      const b = t([3, 4]);
      return () => matmul(a, b);
    }, { type: ShapeError, op: "matmul", mentions: ["[]", "[3, 4]"] }),
    errorCase("reshape/[2, 3] to [4, 2]", [], (t) => {
      const x = t([2, 3]);
      return () => reshape(x, [4, 2]);
    }, { type: ShapeError, op: "reshape", argument: "shape", mentions: ["[2, 3]", "[4, 2]"] }),
    errorCase("reshape/[2, 3] to [4, -1]", [], (t) => {
      const x = t([2, 3]);
      return () => reshape(x, [4, -1]);
    }, { type: ShapeError, op: "reshape", argument: "shape", mentions: ["[2, 3]", "[4, -1]"] }),
    errorCase("broadcastTo/[2, 3] to [3, 3]", [], (t) => {
      const x = t([2, 3]);
      return () => broadcastTo(x, [3, 3]);
    }, { type: ShapeError, op: "broadcastTo", argument: "shape", mentions: ["[2, 3]", "[3, 3]"] }),
    errorCase("concat/mismatched dimensions [2, 3]+[3, 2] on axis 0", [], (t) => {
      const a = t([2, 3]);
      const b = t([3, 2]);
      return () => concat([a, b], 0);
    }, { type: ShapeError, op: "concat", argument: "xs[1]", mentions: ["[3, 2]", "[2, 3]"] }),
    errorCase("stack/different shapes [2]+[3]", [], (t) => {
      const a = t([2]);
      const b = t([3]);
      return () => stack([a, b]);
    }, { type: ShapeError, op: "stack", argument: "xs[1]", mentions: ["[3]", "[2]"] }),
    errorCase("squeeze/an axis of size 3", [], (t) => {
      const x = t([1, 3]);
      return () => squeeze(x, 1);
    }, { type: ShapeError, op: "squeeze", argument: "axes", mentions: ["[1, 3]"] }),
    errorCase("conv2d/channel mismatch", [], (t) => {
      const x = t([1, 5, 5, 3]);
      const f = t([3, 3, 2, 4]);
      return () => conv2d(x, f);
    }, { type: ShapeError, op: "conv2d", argument: "filter", mentions: ["[3, 3, 2, 4]", "[1, 5, 5, 3]"] }),
    errorCase("maxPool2d/window larger than the image", [], (t) => {
      const x = t([1, 2, 2, 1]);
      return () => maxPool2d(x, { poolSize: 3 });
    }, { type: ShapeError, op: "maxPool2d", argument: "x", mentions: ["[1, 2, 2, 1]"] }),
    errorCase("argmax/along an axis of size 0", ["int32"], (t) => {
      const x = t([2, 0]);
      return () => argmax(x, 1);
    }, { type: ShapeError, op: "argmax", argument: "x", mentions: ["[2, 0]"] }),
    errorCase("tensor/ragged nested array", [], () => () => tensor([[1, 2], [3]]), { type: ShapeError, op: "tensor", argument: "values" }),

    // --- dtypes ---
    errorCase("log/of int32", ["int32"], (t) => {
      const x = t([2, 2], "int32");
      return () => log(x);
    }, { type: DTypeError, op: "log", argument: "x", mentions: ["int32"] }),
    errorCase("exp/of bool", ["bool"], (t) => {
      const x = t([3], "bool");
      return () => exp(x);
    }, { type: DTypeError, op: "exp", argument: "x", mentions: ["bool"] }),
    errorCase("add/float32+int32", ["int32"], (t) => {
      const a = t([2], "float32");
      const b = t([2], "int32");
      return () => add(a, b);
    }, { type: DTypeError, op: "add", argument: "b", mentions: ["float32", "int32"] }),
    errorCase("add/int32 tensor + 0.5", ["int32"], (t) => {
      const a = t([2], "int32");
      return () => add(a, 0.5);
    }, { type: DTypeError, op: "add", argument: "b", mentions: ["0.5", "int32"] }),
    errorCase("matmul/float32@int32", ["int32"], (t) => {
      const a = t([2, 2], "float32");
      const b = t([2, 2], "int32");
      return () => matmul(a, b);
    }, { type: DTypeError, op: "matmul", argument: "b", mentions: ["float32", "int32"] }),
    errorCase("mean/of int32", ["int32"], (t) => {
      const x = t([3], "int32");
      return () => mean(x);
    }, { type: DTypeError, op: "mean", argument: "x", mentions: ["int32"] }),
    errorCase("where/non-bool condition", [], (t) => {
      const c = t([2], "float32");
      const a = t([2]);
      return () => where(c, a, a);
    }, { type: DTypeError, op: "where", argument: "condition", mentions: ["float32"] }),
    errorCase("concat/float32+int32", ["int32"], (t) => {
      const a = t([2], "float32");
      const b = t([2], "int32");
      return () => concat([a, b]);
    }, { type: DTypeError, op: "concat", argument: "xs[1]", mentions: ["int32", "float32"] }),
    errorCase("stack/float32+int32", ["int32"], (t) => {
      const a = t([2], "float32");
      const b = t([2], "int32");
      return () => stack([a, b]);
    }, { type: DTypeError, op: "stack", argument: "xs[1]", mentions: ["int32", "float32"] }),
    errorCase("linear/bias that does not broadcast to the product", [], (t) => {
      const x = t([5, 7]);
      const w = t([7, 3]);
      const b = t([2, 1, 3]);
      return () => linear(x, w, b);
    }, { type: ShapeError, op: "linear", argument: "bias", mentions: ["[2, 1, 3]", "[5, 3]"] }),
    errorCase("linear/int32 bias with float32 x and w", ["int32"], (t) => {
      const x = t([2, 3]);
      const w = t([3, 4]);
      const b = t([4], "int32");
      return () => linear(x, w, b);
    }, { type: DTypeError, op: "linear", argument: "bias", mentions: ["int32", "float32"] }),
    errorCase("linear/sigmoid activation on int32", ["int32"], (t) => {
      const x = t([2, 3], "int32");
      const w = t([3, 1], "int32");
      return () => linear(x, w, null, "sigmoid");
    }, { type: DTypeError, op: "linear", argument: "activation", mentions: ["sigmoid", "int32"] }),
    errorCase("sigmoid/of int32", ["int32"], (t) => {
      const x = t([2], "int32");
      return () => sigmoid(x);
    }, { type: DTypeError, op: "sigmoid", argument: "x", mentions: ["int32"] }),
    errorCase("leakyRelu/of int32", ["int32"], (t) => {
      const x = t([2], "int32");
      return () => leakyRelu(x);
    }, { type: DTypeError, op: "leakyRelu", argument: "x", mentions: ["int32"] }),
    errorCase("relu/of bool", ["bool"], (t) => {
      const x = t([2], "bool");
      return () => relu(x);
    }, { type: DTypeError, op: "relu", argument: "x", mentions: ["bool"] }),
    errorCase("logSumExp/of int32", ["int32"], (t) => {
      const x = t([2], "int32");
      return () => logSumExp(x);
    }, { type: DTypeError, op: "logSumExp", argument: "x", mentions: ["int32"] }),
    errorCase("gather/float32 indices", [], (t) => {
      const x = t([3, 2]);
      const i = t([2], "float32");
      return () => gather(x, i);
    }, { type: DTypeError, op: "gather", argument: "indices", mentions: ["float32"] }),

    // --- axes and arguments ---
    errorCase("sum/axis 2 of a rank-2 tensor", [], (t) => {
      const x = t([2, 3]);
      return () => sum(x, 2);
    }, { type: ArgumentError, op: "sum", argument: "axes", mentions: ["2"] }),
    errorCase("sum/axis -3 of a rank-2 tensor", [], (t) => {
      const x = t([2, 3]);
      return () => sum(x, -3);
    }, { type: ArgumentError, op: "sum", argument: "axes", mentions: ["-3"] }),
    errorCase("softmax/axis 3 of a rank-2 tensor", [], (t) => {
      const x = t([2, 3]);
      return () => softmax(x, 3);
    }, { type: ArgumentError, op: "softmax", argument: "axis", mentions: ["3"] }),
    errorCase("concat/axis 5", [], (t) => {
      const a = t([2, 3]);
      return () => concat([a, a], 5);
    }, { type: ArgumentError, op: "concat", argument: "axis", mentions: ["5"] }),
    errorCase("expandDims/axis 4 of a rank-2 tensor", [], (t) => {
      const x = t([2, 3]);
      return () => expandDims(x, 4);
    }, { type: ArgumentError, op: "expandDims", argument: "axis", mentions: ["4"] }),
    errorCase("transpose/repeated axis in perm", [], (t) => {
      const x = t([2, 3]);
      return () => transpose(x, [0, 0]);
    }, { type: ArgumentError, op: "transpose", argument: "perm", mentions: ["[0, 0]", "[2, 3]"] }),
    errorCase("slice/begin past the end", [], (t) => {
      const x = t([2, 3]);
      return () => slice(x, [0, 4]);
    }, { type: ArgumentError, op: "slice", argument: "begin", mentions: ["4", "[2, 3]"] }),
    errorCase("pad/negative padding", [], (t) => {
      const x = t([2]);
      return () => pad(x, [[-1, 0]]);
    }, { type: ArgumentError, op: "pad", argument: "paddings" }),
    errorCase("split/uneven sections", [], (t) => {
      const x = t([5]);
      return () => split(x, 2);
    }, { type: ArgumentError, op: "split", argument: "sections", mentions: ["5"] }),
    errorCase("leakyRelu/NaN alpha", [], (t) => {
      const x = t([2]);
      return () => leakyRelu(x, NaN);
    }, { type: ArgumentError, op: "leakyRelu", argument: "alpha", mentions: ["NaN"] }),

    // --- NaN where a seed or a size is expected ---
    errorCase("randomUniform/seed NaN", [], () => () => randomUniform([2], { seed: NaN }), { type: ArgumentError, op: "randomUniform", argument: "seed", mentions: ["NaN"] }),
    errorCase("randomNormal/seed 1.5", [], () => () => randomNormal([2], { seed: 1.5 }), { type: ArgumentError, op: "randomNormal", argument: "seed", mentions: ["1.5"] }),
    errorCase("setSeed/negative seed", [], () => () => {
      setSeed(-1);
    }, { type: ArgumentError, op: "setSeed", argument: "seed", mentions: ["-1"] }),
    errorCase("randomUniform/shape [NaN]", [], () => () => randomUniform([NaN]), { type: ArgumentError, op: "randomUniform", argument: "shape", mentions: ["NaN"] }),
    errorCase("zeros/shape [NaN]", [], () => () => zeros([NaN]), { type: ArgumentError, op: "zeros", argument: "shape", mentions: ["NaN"] }),
    errorCase("zeros/shape [2, -1]", [], () => () => zeros([2, -1]), { type: ArgumentError, op: "zeros", argument: "shape", mentions: ["-1"] }),
    errorCase("reshape/NaN dimension", [], (t) => {
      const x = t([2, 3]);
      return () => reshape(x, [NaN, 6]);
    }, { type: ArgumentError, op: "reshape", argument: "shape", mentions: ["NaN"] }),

    // --- disposed tensors ---
    errorCase("disposed/add of a disposed tensor", [], (t) => {
      const a = t([2, 3]);
      const b = t([2, 3]);
      a.dispose();
      return () => add(a, b);
    }, { type: DisposedError, op: "add", argument: "a", mentions: ["[2, 3]"] }),
    errorCase("disposed/add of a disposed tensor and a number", [], (t) => {
      const a = t([2, 3]);
      a.dispose();
      return () => add(a, 1);
    }, { type: DisposedError, op: "add", argument: "a", mentions: ["[2, 3]"] }),
    errorCase("disposed/exp of a disposed tensor", [], (t) => {
      const x = t([4]);
      x.dispose();
      return () => exp(x);
    }, { type: DisposedError, op: "exp", argument: "x", mentions: ["[4]"] }),
    errorCase("disposed/matmul with a disposed b", [], (t) => {
      const a = t([2, 3]);
      const b = t([3, 4]);
      b.dispose();
      return () => matmul(a, b);
    }, { type: DisposedError, op: "matmul", argument: "b", mentions: ["[3, 4]"] }),
    errorCase("disposed/where with a disposed condition", ["bool"], (t) => {
      const c = t([2], "bool");
      const a = t([2]);
      c.dispose();
      return () => where(c, a, a);
    }, { type: DisposedError, op: "where", argument: "condition", mentions: ["[2]"] }),
    errorCase("disposed/data() of a disposed tensor", [], (t) => {
      const x = t([2, 2]);
      x.dispose();
      return () => x.data();
    }, { type: DisposedError, op: "data", mentions: ["[2, 2]"] }),
    errorCase("disposed/a tensor freed by its tidy scope", [], () => {
      let inner: Tensor | undefined;
      tidy(() => {
        inner = ones([3]);
      });
      return () => exp(inner!);
    }, { type: DisposedError, op: "exp", mentions: ["[3]"] }),
  ];
}
