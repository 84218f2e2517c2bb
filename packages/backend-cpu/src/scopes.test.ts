import * as tc from "@neurite/tensor-core";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { cpu } from "./index.js";

// tensor-core's memory scopes on a real backend (tensor-core has none of its own): async scopes that follow
// their own async context, and what `tidy` finds in the values it returns.

const { add, memory, ones, ScopeError, setBackend, tensor, tidy } = tc;

beforeAll(async () => {
  await setBackend(cpu());
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("async tidy scopes follow their own async context", () => {
  it("two overlapping async tidies keep their own results and free only their own intermediates", async () => {
    const before = memory().tensors;
    const task = (value: number, wait: number) =>
      tidy(async () => {
        const a = ones([2]).mul(value);
        await pause(wait);
        const b = a.add(1);
        await pause(wait);
        return b.mul(2);
      });
    // A starts first and ends last: B opens, creates and closes entirely inside A's lifetime, and back.
    const [ra, rb] = await Promise.all([task(1, 20), task(10, 5)]);
    expect(ra.isDisposed).toBe(false);
    expect(rb.isDisposed).toBe(false);
    expect(Array.from(ra.dataSync())).toEqual([4, 4]);
    expect(Array.from(rb.dataSync())).toEqual([22, 22]);
    expect(memory().tensors).toBe(before + 2);
    ra.dispose();
    rb.dispose();
  });

  it("a tensor a timer creates while a tidy awaits belongs to its creator, not to the scope", async () => {
    const before = memory().tensors;
    let fromTimer: tc.Tensor | undefined;
    setTimeout(() => {
      fromTimer = tensor([7, 8]);
    }, 5);
    await tidy(async () => {
      ones([3]);
      await pause(30);
      ones([3]);
    });
    expect(fromTimer).toBeDefined();
    expect(fromTimer!.isDisposed).toBe(false);
    expect(Array.from(fromTimer!.dataSync())).toEqual([7, 8]);
    expect(memory().tensors).toBe(before + 1);
    fromTimer!.dispose();
  });

  it("a sync tidy inside an async one hands its result to the async scope", async () => {
    const before = memory().tensors;
    const result = await tidy(async () => {
      await pause(1);
      const inner = tidy(() => ones([2]).add(1));
      await pause(1);
      return inner.add(1);
    });
    expect(Array.from(result.dataSync())).toEqual([3, 3]);
    expect(memory().tensors).toBe(before + 1);
    result.dispose();
  });

  it("scope.run puts code in the scope; on an ended scope it is a ScopeError", async () => {
    let saved: tc.TidyScope | undefined;
    const before = memory().tensors;
    await tidy(async (scope) => {
      saved = scope;
      await pause(1);
      scope.run(() => ones([4]));
    });
    expect(memory().tensors).toBe(before);
    expect(saved!.closed).toBe(true);
    expect(() => saved!.run(() => ones([1]))).toThrow(ScopeError);
    expect(() => saved!.run(() => ones([1]))).toThrow("has already ended");
  });
});

describe("scope.owns", () => {
  it("is true for what the scope made or an inner scope handed it, false for outside tensors and kept ones", () => {
    const outside = tensor([1, 2]);
    const seen = tidy((scope) => {
      const made = outside.add(1);
      const handed = tidy(() => made.mul(2));
      const kept = tc.keep(made.mul(3));
      const result = { outside: scope.owns(outside), made: scope.owns(made), handed: scope.owns(handed), kept: scope.owns(kept) };
      kept.dispose();
      return result;
    });
    expect(seen).toEqual({ outside: false, made: true, handed: true, kept: false });
    outside.dispose();
  });
});

describe("without an async context (as in browsers)", () => {
  const original = Object.getOwnPropertyDescriptor(process, "getBuiltinModule")!;
  afterEach(() => {
    Object.defineProperty(process, "getBuiltinModule", original);
  });

  it("an async scope owns its first segment and scope.run, never another task's tensors", async () => {
    vi.resetModules();
    const fresh = await import("@neurite/tensor-core");
    // tensor-core looks for AsyncLocalStorage at its first async scope: hide it from this copy.
    (process as { getBuiltinModule?: unknown }).getBuiltinModule = undefined;
    const backend = cpu();
    await fresh.setBackend(backend);
    let fromTimer: tc.Tensor | undefined;
    setTimeout(() => {
      fromTimer = fresh.tensor([1]);
    }, 5);
    let first: tc.Tensor | undefined;
    let inRun: tc.Tensor | undefined;
    let afterAwait: tc.Tensor | undefined;
    const result = await fresh.tidy(async (scope) => {
      first = fresh.ones([2]);
      await pause(30);
      inRun = scope.run(() => fresh.ones([2]));
      afterAwait = fresh.ones([2]);
      return scope.run(() => first!.add(1));
    });
    expect(first!.isDisposed).toBe(true);
    expect(inRun!.isDisposed).toBe(true);
    expect(result.isDisposed).toBe(false);
    // Not the scope's to free: the timer's tensor and the one created outside scope.run after the await.
    expect(fromTimer!.isDisposed).toBe(false);
    expect(afterAwait!.isDisposed).toBe(false);
    expect(fresh.memory(backend).tensors).toBe(3);
    for (const t of [result, fromTimer!, afterAwait!]) t.dispose();
  });
});

class Pair {
  constructor(
    readonly left: tc.Tensor,
    readonly right: tc.Tensor,
  ) {}
}

describe("tidy keeps every returned tensor it can see", () => {
  it("in class instances, Sets and Map keys, nested and cyclic", () => {
    const before = memory().tensors;
    const result = tidy(() => {
      const a = ones([1]);
      const b = add(a, 1);
      add(b, 1); // freed
      const set = new Set([add(b, 2)]);
      const map = new Map([[add(b, 3), "key"]]);
      const pair = new Pair(a, b);
      const cyclic: { self?: unknown; t: tc.Tensor } = { t: add(b, 4) };
      cyclic.self = cyclic;
      return { pair, set, map, cyclic };
    });
    expect(memory().tensors).toBe(before + 5);
    expect(Array.from(result.pair.right.dataSync())).toEqual([2]);
    expect(Array.from([...result.set][0]!.dataSync())).toEqual([4]);
    expect(Array.from([...result.map.keys()][0]!.dataSync())).toEqual([5]);
    expect(Array.from(result.cyclic.t.dataSync())).toEqual([6]);
    tc.keep(result); // keep() walks the same way; the tensors are now plainly ours
    for (const t of tc.tensorsIn(result)) t.dispose();
    expect(memory().tensors).toBe(before);
  });
});
