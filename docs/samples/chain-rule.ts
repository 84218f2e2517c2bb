// The course notes' worked example: f(x, y, z) = (x + y)·z at x = −2, y = 5, z = −4.
import { print } from "@docs/output";
import { grad } from "@neurite/autograd";
import { scalar, type Tensor } from "@neurite/tensor-core";

const f = (x: Tensor, y: Tensor, z: Tensor): Tensor => x.add(y).mul(z);
const [x, y, z] = [scalar(-2), scalar(5), scalar(-4)];

// Forward pass: name the intermediate q = x + y, as the notes do.
const q = x.add(y);
await print("q = x + y =", q);
await print("f = q · z =", f(x, y, z));

// Backward pass by hand: ∂f/∂z = q, ∂f/∂q = z, and the chain rule through q = x + y (∂q/∂x = ∂q/∂y = 1).
await print("by hand:  ∂f/∂x =", z, " ∂f/∂y =", z, " ∂f/∂z =", q);

// The same numbers from Neurite's reverse-mode autograd.
const [dx, dy, dz] = grad(f, [0, 1, 2])(x, y, z);
await print("grad(f):  ∂f/∂x =", dx, " ∂f/∂y =", dy, " ∂f/∂z =", dz);
