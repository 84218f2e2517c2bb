import { arange, DTypeError, eye, full, linspace, ones, onesLike, scalar, tensor, zeros, zerosLike, type DType } from "@neurite/tensor-core";
import type { ConformanceCase } from "../case.js";
import { checkOp, expected, expectTensor, operand, Tracker, typedArray } from "../check.js";
import { defineCase, ensure, expectError } from "../define.js";
import { nd, numel, store } from "../reference/nd.js";
import { toleranceFor } from "../tolerance.js";
import { ALL, general, shapeLabel } from "./shared.js";

const GROUP = "creation";

/** Values every dtype must store and read back unchanged, extremes and specials included. */
const ROUND_TRIP: Record<DType, readonly number[]> = {
  float32: [0, -0, 1.5, -2.25, 3.4028234663852886e38, -3.4028234663852886e38, 1.401298464324817e-45, NaN, Infinity, -Infinity, Math.fround(0.1)],
  float64: [0, -0, 0.1, -1e300, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity, 1 / 3],
  int32: [0, 1, -1, 2147483647, -2147483648, 123456789, -987654321],
  bool: [0, 1, 1, 0],
};

/** The cases of tensor creation (upload, fill, read). */
export function creationCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const dtype of ALL) {
    const tol = toleranceFor(dtype, "exact");
    for (const shape of [[], [0], [2, 3], [2, 0, 4], [1000]] as const) {
      const fullName = `full/${dtype}/${shapeLabel(shape)}`;
      const value = dtype === "bool" ? 1 : dtype === "int32" ? -7 : -2.5;
      cases.push(
        defineCase(GROUP, fullName, [dtype], () =>
          checkOp(fullName, [], () => [full(shape, value, { dtype }), zeros(shape, { dtype }), ones(shape, { dtype })], [
            expected(nd(shape, new Array<number>(numel(shape)).fill(value)), dtype, tol),
            expected(nd(shape, new Array<number>(numel(shape)).fill(0)), dtype, tol),
            expected(nd(shape, new Array<number>(numel(shape)).fill(1)), dtype, tol),
          ]),
        ),
      );
    }
    const likeName = `zerosLike and onesLike/${dtype}/[3, 2]`;
    cases.push(
      defineCase(GROUP, likeName, [dtype], ({ rng }) => {
        const x = operand("x", dtype, [3, 2], general(rng, 6, dtype));
        return checkOp(likeName, [x], ([t]) => [zerosLike(t!), onesLike(t!)], [expected(nd([3, 2], [0, 0, 0, 0, 0, 0]), dtype, tol), expected(nd([3, 2], [1, 1, 1, 1, 1, 1]), dtype, tol)]);
      }),
    );
    const roundTrip = `tensor/${dtype}/round trip of extreme and special values`;
    cases.push(
      defineCase(GROUP, roundTrip, [dtype], () => {
        const values = ROUND_TRIP[dtype];
        return checkOp(roundTrip, [], () => tensor(typedArray(dtype, values), { dtype }), expected(nd([values.length], values), dtype, tol));
      }),
    );
    const nested = `tensor/${dtype}/from nested arrays`;
    cases.push(
      defineCase(GROUP, nested, [dtype], () => {
        const rows = dtype === "bool" ? [[true, false, true], [false, false, true]] : [[1, -2, 3], [4, 5, -6]];
        const values = rows.flat().map((v) => store(Number(v), dtype));
        return checkOp(nested, [], () => [tensor(rows, { dtype }), scalar(dtype === "bool" ? true : 7, { dtype })], [
          expected(nd([2, 3], values), dtype, tol),
          expected(nd([], [dtype === "bool" ? 1 : 7]), dtype, tol),
        ]);
      }),
    );
    const uploadCopies = `storage/${dtype}/upload copies and read returns a fresh copy`;
    cases.push(
      defineCase(GROUP, uploadCopies, [dtype], async () => {
        using tracker = new Tracker();
        const source = typedArray(dtype, [1, 0, 1, 1]);
        const t = tracker.track(tensor(source, { dtype }));
        source.fill(0);
        const first = await t.data();
        ensure(first !== source, `${uploadCopies}: read() returned the caller's own array`);
        first.fill(0);
        await expectTensor(`${uploadCopies}: after the caller changed both its arrays`, t, expected(nd([4], [1, 0, 1, 1]), dtype, tol));
      }),
    );
  }
  const refuse = "full/int32/refuses a value that does not fit int32";
  cases.push(
    defineCase(GROUP, refuse, ["int32"], async () => {
      // tensor-core refuses before any kernel runs; the case checks that nothing wraps on this backend.
      for (const value of [7.9, 3e9, NaN]) {
        await expectError(`${refuse}: ${value}`, () => full([2], value, { dtype: "int32" }), { type: DTypeError, op: "full", argument: "value", mentions: ["does not fit int32"] });
      }
    }),
  );
  const ranges = "arange, linspace and eye/float32 and int32";
  cases.push(
    defineCase(GROUP, ranges, ["float32", "int32"], () => {
      const i = toleranceFor("int32", "exact");
      const f = toleranceFor("float32", "exact");
      return checkOp(ranges, [], () => [arange(5), arange(2, 11, 3), arange(0, 1, 0.25), arange(3, 3), linspace(0, 1, 5), eye(2, 3)], [
        expected(nd([5], [0, 1, 2, 3, 4]), "int32", i),
        expected(nd([3], [2, 5, 8]), "int32", i),
        expected(nd([4], [0, 0.25, 0.5, 0.75]), "float32", f),
        expected(nd([0], []), "int32", i),
        expected(nd([5], [0, 0.25, 0.5, 0.75, 1]), "float32", f),
        expected(nd([2, 3], [1, 0, 0, 0, 1, 0]), "float32", f),
      ]);
    }),
  );
  const wide = "full/float64/keeps float64 precision";
  cases.push(
    defineCase(GROUP, wide, ["float64"], () =>
      checkOp(wide, [], () => full([3], 0.1, { dtype: "float64" }), expected(nd([3], [0.1, 0.1, 0.1]), "float64", { atol: 0, rtol: 0 })),
    ),
  );
  return cases;
}
