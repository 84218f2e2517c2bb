// A first tensor: create, combine, reduce, read back.
import { print } from "@docs/output";
import { tensor } from "@neurite/tensor-core";

const x = tensor([[1, 2, 3], [4, 5, 6]]); // shape [2, 3], float32
const w = tensor([0.5, -1, 2]); // shape [3]: broadcast along the rows

await print("x =", x);
await print("x · w (elementwise, broadcast) =", x.mul(w));
await print("row sums of x · w =", x.mul(w).sum(1));
await print("x @ xᵀ =", x.matmul(x.transpose()));
await print("dtype:", x.dtype, " shape:", x.shape);
