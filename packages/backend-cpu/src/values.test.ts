import { add, arange, DTypeError, ArgumentError, full, gather, setBackend, tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { cpu } from "./index.js";

// Plain numbers into tensors take one conversion path in tensor-core (fitValue); a number that does not fit
// the dtype is refused there, whichever public function it came through, instead of wrapping.

beforeAll(async () => {
  await setBackend(cpu());
});

describe("numbers that do not fit int32 are refused, never wrapped", () => {
  it.each([
    [3e9, "outside the int32 range"],
    [-2147483649, "outside the int32 range"],
    [NaN, "not a number"],
    [Infinity, "infinite"],
    [-Infinity, "infinite"],
    [1.5, "not an integer"],
  ])("tensor([%s], int32)", (value, why) => {
    expect(() => tensor([1, value], { dtype: "int32" })).toThrow(DTypeError);
    expect(() => tensor([1, value], { dtype: "int32" })).toThrow(`tensor (argument 'values'): the value ${value} at [1] does not fit int32 (it is ${why})`);
  });

  it("names the element of a nested array, and typed arrays take the same path", () => {
    expect(() => tensor([[1, 2], [3, 2 ** 31]], { dtype: "int32" })).toThrow("at [1, 1] does not fit int32");
    expect(() => tensor(new Float32Array([0.5]), { dtype: "int32" })).toThrow(DTypeError);
    expect(Array.from(tensor(new Float64Array([-2147483648, 2147483647]), { dtype: "int32" }).dataSync())).toEqual([-2147483648, 2147483647]);
  });

  it("full, arange and numbers mixed with int32 tensors", () => {
    expect(() => full([2], 3e9, { dtype: "int32" })).toThrow("full (argument 'value'): the value 3000000000 does not fit int32");
    expect(() => full([2], NaN, { dtype: "int32" })).toThrow(DTypeError);
    expect(() => arange(2 ** 31 - 2, 2 ** 31 + 1)).toThrow("arange (argument 'stop')");
    const x = tensor([1, 2], { dtype: "int32" });
    expect(() => add(x, 3e9)).toThrow("add (argument 'b'): the value 3000000000 does not fit int32");
    expect(() => add(x, Infinity)).toThrow(DTypeError);
    expect(Array.from(add(x, 2147483646).dataSync())).toEqual([2147483647, -2147483648]); // int32 arithmetic wraps, as documented
  });

  it("floats and bool still take any number", () => {
    expect(Array.from(tensor([NaN, Infinity, 3e9]).dataSync())).toEqual([NaN, Infinity, 3e9]);
    expect(Array.from(tensor([0, 2, NaN], { dtype: "bool" }).dataSync())).toEqual([0, 1, 1]);
  });
});

describe("gather range-checks plain indices before converting them", () => {
  const x = () => tensor([[1, 2], [3, 4], [5, 6]]);
  it.each([NaN, 4294967297, 1.5, -1, 3, Infinity])("index %s", (index) => {
    expect(() => gather(x(), [0, index])).toThrow(ArgumentError);
    expect(() => gather(x(), [0, index])).toThrow(`gather (argument 'indices'): index ${index} at position 1 is out of range for axis 0 of size 3`);
  });

  it("valid plain indices gather", () => {
    expect(gather(x(), [2, 0]).arraySync()).toEqual([[5, 6], [1, 2]]);
    expect(gather(x(), [1, 1, 0], 1).arraySync()).toEqual([[2, 2, 1], [4, 4, 3], [6, 6, 5]]);
  });
});
