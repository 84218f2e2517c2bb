import { ArgumentError, gather, scatterAdd, tensor, type Tensor } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { expected, expectTensor, Tracker } from "../check.js";
import { defineCase, expectError } from "../define.js";
import { nd } from "../reference/nd.js";
import { EXACT } from "../tolerance.js";

// Error cases, in the errors group: a refusal the kit checks on every backend.
const GROUP = "errors";

/**
 * The contract's rule for out-of-range indices of `gather` and `scatterAdd`: an ArgumentError naming the op
 * and argument 'indices' — from the call on a backend that checks at once, or from the next read on one whose
 * kernels run later — and never a silent 0 or a dropped update. The error is reported once: the next op reads
 * correct values.
 */
export function indexCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const bad of [3, -1, 2147483647]) {
    const name = `error/indices/gather/float32/index ${bad} on an axis of size 3`;
    cases.push(
      defineCase(GROUP, name, ["float32", "int32"], async () => {
        await expectError(name, () => runAndRead((t) => gather(t(tensor([[1, 2], [3, 4], [5, 6]])), t(tensor([0, bad], { dtype: "int32" })))), {
          type: ArgumentError,
          op: "gather",
          argument: "indices",
        });
        await afterwards(name);
      }),
    );
    const scatter = `error/indices/scatterAdd/float32/index ${bad} into an axis of size 3`;
    cases.push(
      defineCase(GROUP, scatter, ["float32", "int32"], async () => {
        await expectError(
          scatter,
          () => runAndRead((t) => scatterAdd(t(tensor([[1, 1], [2, 2]])), t(tensor([1, bad], { dtype: "int32" })), 0, [3, 2])),
          { type: ArgumentError, op: "scatterAdd", argument: "indices" },
        );
        await afterwards(scatter);
      }),
    );
  }
  return cases;
}

/** Runs `op` and reads its result, disposing everything whichever step throws. */
async function runAndRead(op: (t: (x: Tensor) => Tensor) => Tensor): Promise<void> {
  using tracker = new Tracker();
  const result = tracker.track(op((x) => tracker.track(x)));
  await result.data();
}

/** After the refused op, valid indices give the right values and no error is reported again. */
async function afterwards(label: string): Promise<void> {
  using tracker = new Tracker();
  const x = tracker.track(tensor([[1, 2], [3, 4], [5, 6]]));
  const g = tracker.track(gather(x, tracker.track(tensor([2, 0], { dtype: "int32" }))));
  await expectTensor(`${label}: a valid gather afterwards`, g, expected(nd([2, 2], [5, 6, 1, 2]), "float32", EXACT));
  const s = tracker.track(scatterAdd(tracker.track(tensor([[1, 1], [2, 2]])), tracker.track(tensor([2, 2], { dtype: "int32" })), 0, [3, 2]));
  await expectTensor(`${label}: a valid scatterAdd afterwards`, s, expected(nd([3, 2], [0, 0, 0, 0, 3, 3]), "float32", EXACT));
}
