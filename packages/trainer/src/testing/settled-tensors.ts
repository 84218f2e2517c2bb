// For leak tests: the live-tensor count once the garbage of earlier tests is gone. An earlier test's model or
// optimizer left to the collector is freed whenever the FinalizationRegistry runs — possibly in the middle of
// the next test's before/after count, which then reads a "leak" of minus a few tensors. Collecting and
// yielding until the count holds still takes that garbage out of the window being measured.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { memory } from "@neurite/tensor-core";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** `memory().tensors` after collecting and yielding (finalizers run in a later task) until it holds still. */
export async function settledTensors(): Promise<number> {
  let count = memory().tensors;
  for (let round = 0; round < 20; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const next = memory().tensors;
    if (next === count) return next;
    count = next;
  }
  return count;
}
