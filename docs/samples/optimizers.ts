// Eight optimizers race from the same start on one loss surface, a long curved valley
// f(a, b) = (a² − b)² / 4 + (a − 1)² / 10 with its minimum at (1, 1). Each path is drawn on the contours.
import { plot, print, table } from "@docs/output";
import { grad } from "@neurite/autograd";
import { adadelta, adagrad, adam, adamW, rmsprop, sgd, type Optimizer } from "@neurite/optimizers";
import { cpu } from "@neurite/backend-cpu";
import { setBackend, tensor, variable, type Tensor, type Variable } from "@neurite/tensor-core";

// Two numbers are no work for a GPU, and the race reads them back at every step: it runs on the CPU.
await setBackend(cpu());

const f = (a: number, b: number): number => (a * a - b) ** 2 / 4 + (a - 1) ** 2 / 10;
const loss = (p: { a: Variable; b: Variable }): Tensor => {
  const a = p.a.value;
  return a.square().sub(p.b.value).square().div(4).add(a.sub(1).square().div(10)).sum();
};

const racers: Record<string, Optimizer> = {
  SGD: sgd({ lr: 0.05 }),
  momentum: sgd({ lr: 0.05, momentum: 0.9 }),
  Nesterov: sgd({ lr: 0.05, momentum: 0.9, nesterov: true }),
  Adam: adam({ lr: 0.05 }),
  AdamW: adamW({ lr: 0.05, weightDecay: 0.01 }),
  Adadelta: adadelta({ lr: 1 }),
  Adagrad: adagrad({ lr: 0.3 }),
  RMSProp: rmsprop({ lr: 0.01 }),
};

// The loss on a grid, for the contour plot behind the paths.
const [x0, x1, y0, y1, n] = [-2, 2, -1, 3, 60];
const values = Array.from({ length: n }, (_, j) => Array.from({ length: n }, (_, i) => Math.log1p(f(x0 + ((x1 - x0) * (i + 0.5)) / n, y0 + ((y1 - y0) * (j + 0.5)) / n))));
const race = plot({ title: "200 steps from (−1.5, 2.5); contours of log(1 + f)", xLabel: "a", yLabel: "b", series: [], contour: { x: [x0, x1], y: [y0, y1], values } });

const results = [];
for (const [name, optimizer] of Object.entries(racers)) {
  const params = { a: variable(tensor([-1.5]), { name: "a" }), b: variable(tensor([2.5]), { name: "b" }) };
  const path = [];
  for (let stepIndex = 0; stepIndex <= 200; stepIndex++) {
    const [a, b] = [(await params.a.value.data())[0]!, (await params.b.value.data())[0]!];
    path.push({ x: a, y: b });
    if (stepIndex === 200) {
      results.push({ optimizer: name, a, b, "f(a, b)": f(a, b) });
      break;
    }
    const g = grad(loss)(params);
    optimizer.step(params, g);
    g.a.dispose();
    g.b.dispose();
  }
  race.append(name, ...path);
}
table(results);
await print("the minimum is f(1, 1) = 0");
