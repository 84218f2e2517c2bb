import { philox4x32, philoxUniform, randomNormal, randomUniform, seedToKey, setSeed } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, expectTensor, formatNumber, Tracker } from "../check.js";
import { defineCase, ensure, shapeText } from "../define.js";
import { nd, numel } from "../reference/nd.js";
import { EXACT, toleranceFor } from "../tolerance.js";
import { FLOATS } from "./shared.js";

const GROUP = "random";

/** Known-answer vectors of Philox4x32-10 published with Random123 (kat_vectors): counter, key, output. */
const KAT: readonly [readonly [number, number, number, number], readonly [number, number], readonly [number, number, number, number]][] = [
  [[0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]],
  [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]],
  [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]],
];

/** The uniform a 32-bit word maps to: its top 24 bits times 2⁻²⁴. */
const toUniform = (word: number): number => (word >>> 8) * 2 ** -24;

const hex = (words: readonly number[]): string => words.map((w) => `0x${(w >>> 0).toString(16).padStart(8, "0")}`).join(" ");

function streamCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  cases.push(
    defineCase(GROUP, "random/philox4x32 reference matches the Random123 known answers", [], () => {
      for (const [counter, key, want] of KAT) {
        const got = philox4x32(counter, key);
        ensure(got.every((w, i) => w >>> 0 === want[i]), `philox4x32(${hex(counter)}, ${hex(key)}) is ${hex(got)}, expected ${hex(want)}`);
      }
      return Promise.resolve();
    }),
  );
  // Seed 0 is key [0, 0], whose first block is the first known answer: checked against the hard-coded words,
  // not against tensor-core's generator.
  const kat = "random/randomUniform/float32/seed 0 starts with the Random123 known answer";
  cases.push(
    defineCase(GROUP, kat, ["float32"], () =>
      checkOp(kat, [], () => randomUniform([4], { seed: 0 }), expected(nd([4], KAT[0]![2].map(toUniform)), "float32", EXACT)),
    ),
  );
  const seeds = [42, 2 ** 32 + 7, 2 ** 53 - 1];
  const shapes: readonly (readonly number[])[] = [[1], [5], [7, 3], [1000], [2, 0]];
  for (const dtype of FLOATS) {
    for (const seed of seeds) {
      for (const shape of shapes) {
        const name = `random/randomUniform/${dtype}/seed ${seed} ${shapeText(shape)} is the Philox stream bit for bit`;
        cases.push(
          defineCase(GROUP, name, [dtype], () =>
            checkOp(name, [], () => randomUniform(shape, { seed, dtype }), expected(nd(shape, [...philoxUniform(seedToKey(seed), 0, numel(shape))]), dtype, EXACT)),
          ),
        );
      }
    }
  }
  const scaled = "random/randomUniform/float32/min -1 max 3 scales the stream";
  cases.push(
    defineCase(GROUP, scaled, ["float32"], () => {
      const u = philoxUniform(seedToKey(5), 0, 64);
      const want = [...u].map((v) => Math.fround(Math.fround(v * 4) - 1));
      return checkOp(scaled, [], () => randomUniform([8, 8], { seed: 5, min: -1, max: 3 }), expected(nd([8, 8], want), "float32", toleranceFor("float32", "exact")));
    }),
  );
  const same = "random/randomUniform/float32/same seed same values, other seed other values";
  cases.push(
    defineCase(GROUP, same, ["float32"], async () => {
      using tracker = new Tracker();
      const a = await tracker.track(randomUniform([100], { seed: 3 })).data();
      const b = await tracker.track(randomUniform([100], { seed: 3 })).data();
      const c = await tracker.track(randomUniform([100], { seed: 4 })).data();
      ensure(a.every((v, i) => v === b[i]), `${same}: two draws with seed 3 differ`);
      ensure(a.some((v, i) => v !== c[i]), `${same}: seeds 3 and 4 gave identical draws`);
      ensure(a.every((v) => v >= 0 && v < 1), `${same}: a value is outside [0, 1)`);
    }),
  );
  const global = "random/global stream/float32/setSeed makes unseeded draws reproducible";
  cases.push(
    defineCase(GROUP, global, ["float32"], async () => {
      using tracker = new Tracker();
      const key = seedToKey(1234);
      setSeed(1234);
      const a = tracker.track(randomUniform([10]));
      const b = tracker.track(randomUniform([7]));
      // A seeded draw uses its own stream and does not advance the global one.
      tracker.track(randomUniform([3], { seed: 99 }));
      const c = tracker.track(randomUniform([2, 2]));
      // 10 values use 3 blocks, 7 use 2: the draws start at blocks 0, 3 and 5.
      await expectTensor(`${global}: first draw`, a, expected(nd([10], [...philoxUniform(key, 0, 10)]), "float32", EXACT));
      await expectTensor(`${global}: second draw`, b, expected(nd([7], [...philoxUniform(key, 3, 7)]), "float32", EXACT));
      await expectTensor(`${global}: third draw`, c, expected(nd([2, 2], [...philoxUniform(key, 5, 4)]), "float32", EXACT));
      setSeed(1234);
      const again = tracker.track(randomUniform([10]));
      await expectTensor(`${global}: after setSeed(1234) again`, again, expected(nd([10], [...philoxUniform(key, 0, 10)]), "float32", EXACT));
    }),
  );
  return cases;
}

function normalCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of FLOATS) {
    for (const [mean, std] of [[0, 1], [3, 2]] as const) {
      const name = `random/randomNormal/${dtype}/mean ${mean} std ${std} over 10^4 samples`;
      cases.push(
        defineCase(GROUP, name, [dtype], async () => {
          using tracker = new Tracker();
          const n = 10000;
          const values = await tracker.track(randomNormal([100, 100], { seed: 7, mean, std, dtype })).data();
          ensure(values.every((v) => Number.isFinite(v)), `${name}: a sample is not finite`);
          let total = 0;
          for (const v of values) total += v;
          const m = total / n;
          let sq = 0;
          for (const v of values) sq += (v - m) ** 2;
          const s = Math.sqrt(sq / (n - 1));
          // 5 standard errors: the sample mean's is std/√n, the sample std's about std/√(2n).
          const meanBound = (5 * std) / Math.sqrt(n);
          const stdBound = (5 * std) / Math.sqrt(2 * n);
          ensure(Math.abs(m - mean) <= meanBound, `${name}: sample mean ${formatNumber(m)} is further than ${formatNumber(meanBound)} from ${mean}`);
          ensure(Math.abs(s - std) <= stdBound, `${name}: sample std ${formatNumber(s)} is further than ${formatNumber(stdBound)} from ${std}`);
        }),
      );
    }
    const boxMuller = `random/randomNormal/${dtype}/Box-Muller of the uniform stream`;
    cases.push(
      defineCase(GROUP, boxMuller, [dtype], () => {
        const shape = [3, 50];
        const n = 150;
        const u = philoxUniform(seedToKey(11), 0, 2 * n);
        const want = Array.from({ length: n }, (_, i) => Math.sqrt(-2 * Math.log(1 - u[i]!)) * Math.cos(2 * Math.PI * u[n + i]!));
        // float32 rounds 2π·u before the cosine: up to ~1e-5 absolute on a radius of up to ~6.
        const tol = dtype === "float32" ? { atol: 1e-4, rtol: 1e-4 } : toleranceFor(dtype, "transcendental");
        return checkOp(boxMuller, [], () => randomNormal(shape, { seed: 11, dtype }), expected(nd(shape, want.map((v) => (dtype === "float32" ? Math.fround(v) : v))), dtype, tol));
      }),
    );
  }
  return cases;
}

/** The cases of the random stream, bit for bit. */
export function randomCases(): ConformanceCase[] {
  return [...streamCases(), ...normalCases()];
}
