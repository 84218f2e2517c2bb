import {
  add,
  cast,
  conv2d,
  DisposedError,
  keep,
  logSumExp,
  maxPool2d,
  memory,
  ones,
  randomNormal,
  reshape,
  softmax,
  tensor,
  tidy,
  type Backend,
  type Tensor,
} from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { expected, expectTensor, Tracker } from "../check.js";
import { defineCase, ensure, expectError } from "../define.js";
import { nd } from "../reference/nd.js";
import { EXACT } from "../tolerance.js";

const GROUP = "memory";

interface Counts {
  readonly tensors: number;
  readonly buffers: number;
  readonly bytes: number;
}

function counts(backend: Backend): Counts {
  const m = memory(backend);
  return { tensors: m.tensors, buffers: m.buffers, bytes: m.bytes };
}

/** Throws unless the live tensors and buffers are `base` plus the given deltas. */
function expectCounts(label: string, backend: Backend, base: Counts, tensors: number, buffers: number): void {
  const now = counts(backend);
  ensure(
    now.tensors === base.tensors + tensors && now.buffers === base.buffers + buffers,
    `${label}: expected ${base.tensors + tensors} live tensors and ${base.buffers + buffers} buffers (${tensors >= 0 ? "+" : ""}${tensors} and ` +
      `${buffers >= 0 ? "+" : ""}${buffers}), found ${now.tensors} tensors and ${now.buffers} buffers`,
  );
}

const values = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

function memoryCase(name: string, body: (backend: Backend, label: string) => Promise<void>): ConformanceCase {
  const full = `memory/${name}`;
  return defineCase(GROUP, full, ["float32"], ({ backend }) => body(backend, full));
}

/** The cases that check memory accounting and leaks. */
export function memoryCases(): ConformanceCase[] {
  return [
    memoryCase("tidy frees everything but the returned tensors, nested objects included", async (backend, label) => {
      const base = counts(backend);
      const result = tidy(() => {
        const a = ones([2, 3]);
        const b = add(a, 1);
        const c = add(b, 1);
        const d = add(c, 1);
        add(d, 1);
        return { first: b, nested: { list: [d] } };
      });
      expectCounts(`${label}: after tidy`, backend, base, 2, 2);
      await expectTensor(`${label}: returned tensor`, result.nested.list[0]!, expected(nd([2, 3], [4, 4, 4, 4, 4, 4]), "float32", EXACT));
      result.first.dispose();
      result.nested.list[0]!.dispose();
      expectCounts(`${label}: after disposing the results`, backend, base, 0, 0);
    }),
    memoryCase("tidy with an async function keeps its scope open until it settles", async (backend, label) => {
      const base = counts(backend);
      // scope.run puts the code after an await in the scope everywhere, browsers (no async context) included.
      const result = await tidy(async (scope) => {
        const a = tensor([1, 2, 3]);
        const values = await a.data();
        const b = scope.run(() => add(a, values[2]!));
        await b.data();
        return scope.run(() => add(b, 1));
      });
      expectCounts(`${label}: after the async tidy`, backend, base, 1, 1);
      await expectTensor(`${label}: result`, result, expected(nd([3], [5, 6, 7]), "float32", EXACT));
      result.dispose();
      expectCounts(`${label}: after disposing the result`, backend, base, 0, 0);
    }),
    memoryCase("nested tidy hands results outwards and keep() exempts a tensor", (backend, label) => {
      const base = counts(backend);
      let kept: Tensor | undefined;
      tidy(() => {
        const inner = tidy(() => add(ones([2]), 1));
        expectCounts(`${label}: inner result moved to the outer scope`, backend, base, 1, 1);
        kept = keep(add(inner, 1));
        add(inner, 2);
      });
      expectCounts(`${label}: after the outer tidy only the kept tensor is alive`, backend, base, 1, 1);
      kept!.dispose();
      expectCounts(`${label}: after disposing it`, backend, base, 0, 0);
      return Promise.resolve();
    }),
    memoryCase("tidy frees its tensors when the function throws", async (backend, label) => {
      const base = counts(backend);
      let threw = false;
      try {
        tidy((): Tensor => {
          const a = ones([4]);
          add(a, 1);
          throw new Error("deliberate");
        });
      } catch {
        threw = true;
      }
      ensure(threw, `${label}: the error thrown inside tidy did not propagate`);
      expectCounts(`${label}: after the failed tidy`, backend, base, 0, 0);
      const rejected = tidy(async () => {
        ones([3]);
        await Promise.resolve();
        throw new Error("deliberate");
      });
      const outcome = await rejected.then(
        () => "resolved",
        () => "rejected",
      );
      ensure(outcome === "rejected", `${label}: the async tidy should reject with its function's error`);
      expectCounts(`${label}: after the rejected async tidy`, backend, base, 0, 0);
    }),
    memoryCase("using disposes at the end of the block (Symbol.dispose)", async (backend, label) => {
      const base = counts(backend);
      {
        using a = ones([5]);
        using b = add(a, 2);
        expectCounts(`${label}: inside the block`, backend, base, 2, 2);
        await expectTensor(`${label}: value inside the block`, b, expected(nd([5], [3, 3, 3, 3, 3]), "float32", EXACT));
      }
      expectCounts(`${label}: after the block`, backend, base, 0, 0);
      const c = ones([2]);
      c[Symbol.dispose]();
      ensure(c.isDisposed, `${label}: t[Symbol.dispose]() did not dispose the tensor`);
      expectCounts(`${label}: after Symbol.dispose`, backend, base, 0, 0);
    }),
    memoryCase("dispose twice is safe and counts once", (backend, label) => {
      const base = counts(backend);
      const a = ones([3]);
      const view = reshape(a, [3, 1]);
      a.dispose();
      a.dispose();
      expectCounts(`${label}: the view keeps the storage alive`, backend, base, 1, 1);
      view.dispose();
      view.dispose();
      expectCounts(`${label}: after disposing both twice`, backend, base, 0, 0);
      return Promise.resolve();
    }),
    memoryCase("reshape views share storage and outlive the original", async (backend, label) => {
      const base = counts(backend);
      const x = tensor(new Float32Array(values(6)));
      const y = reshape(x, [2, 3]);
      const z = y.reshape([3, 2]);
      expectCounts(`${label}: three tensors, one buffer`, backend, base, 3, 1);
      x.dispose();
      y.dispose();
      expectCounts(`${label}: after disposing the original`, backend, base, 1, 1);
      await expectTensor(`${label}: the view after the original is gone`, z, expected(nd([3, 2], values(6)), "float32", EXACT));
      z.dispose();
      expectCounts(`${label}: after disposing the last view`, backend, base, 0, 0);
    }),
    memoryCase("clone and a same-dtype cast share storage", async (backend, label) => {
      const base = counts(backend);
      const x = tensor([1, 2, 3]);
      const c = x.clone();
      const d = cast(x, "float32");
      expectCounts(`${label}: three handles, one buffer`, backend, base, 3, 1);
      x.dispose();
      await expectTensor(`${label}: clone after the original is gone`, c, expected(nd([3], [1, 2, 3]), "float32", EXACT));
      c.dispose();
      d.dispose();
      expectCounts(`${label}: after disposing all`, backend, base, 0, 0);
    }),
    memoryCase("memory() counts buffers and bytes", (backend, label) => {
      const base = counts(backend);
      const x = tensor(new Float32Array(100));
      const after = counts(backend);
      ensure(after.buffers === base.buffers + 1, `${label}: a new tensor should add one buffer (${base.buffers} → ${after.buffers})`);
      ensure(after.bytes - base.bytes >= 400, `${label}: 100 float32 values should add at least 400 bytes (${base.bytes} → ${after.bytes})`);
      x.dispose();
      const end = counts(backend);
      ensure(end.buffers === base.buffers && end.bytes === base.bytes, `${label}: disposing should return to ${base.buffers} buffers / ${base.bytes} bytes, found ${end.buffers} / ${end.bytes}`);
      return Promise.resolve();
    }),
    memoryCase("use after dispose is a DisposedError", async (_backend, label) => {
      const x = ones([2, 2]);
      x.dispose();
      await expectError(`${label}: data()`, () => x.data(), { type: DisposedError, op: "data", mentions: ["[2, 2]"] });
      await expectError(`${label}: add`, () => add(x, 1), { type: DisposedError, op: "add", mentions: ["[2, 2]"] });
      ensure(x.isDisposed, `${label}: isDisposed should be true`);
    }),
    memoryCase("composite ops leave only their result alive", async (backend, label) => {
      using tracker = new Tracker();
      const x = tracker.track(ones([1, 6, 6, 2]));
      const f = tracker.track(ones([3, 3, 2, 2]));
      const m = tracker.track(ones([3, 5]));
      const base = counts(backend);
      const ops: readonly [string, () => Tensor][] = [
        ["add with a number", () => add(m, 2)],
        ["softmax", () => softmax(m)],
        ["softmax along axis 0", () => softmax(m, 0)],
        ["logSumExp", () => logSumExp(m, 1)],
        ["conv2d", () => conv2d(x, f, { padding: "same", stride: 2 })],
        ["maxPool2d", () => maxPool2d(x, { poolSize: 2, padding: "same" })],
        ["randomNormal", () => randomNormal([3, 3], { seed: 1 })],
      ];
      for (const [name, op] of ops) {
        const y = op();
        expectCounts(`${label}: ${name}`, backend, base, 1, 1);
        await y.data();
        y.dispose();
      }
    }),
  ];
}
