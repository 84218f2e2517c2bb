import { cpu } from "@neurite/backend-cpu";
import { setBackend, tensor, type Tensor } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { CheckpointError, decodeCheckpoint, encodeCheckpoint, toTensors } from "./format.js";
import { crc32 } from "./crc32.js";

beforeAll(async () => {
  await setBackend(cpu());
});

function sample(): Record<string, Tensor> {
  return {
    "dense.weight": tensor([[0.5, -1.25], [3, 4]]),
    "dense.bias": tensor([0.1, 0.2]),
    steps: tensor(7, { dtype: "int32" }),
    mask: tensor([true, false, true]),
    precise: tensor([Math.PI], { dtype: "float64" }),
    empty: tensor([], { shape: [0, 3] }),
  };
}

/** Expects `fn` to throw a CheckpointError whose message contains `text` and that reports `byteOffset`. */
function expectRefused(fn: () => unknown, text: string, byteOffset?: number): CheckpointError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(CheckpointError);
  const error = caught as CheckpointError;
  expect(error.message).toContain(text);
  if (byteOffset !== undefined) expect(error.byteOffset).toBe(byteOffset);
  return error;
}

describe("checkpoint format", () => {
  it("crc32 matches the standard check value", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926);
  });

  it("round-trips every dtype, scalars, empty tensors and metadata", async () => {
    const original = sample();
    const bytes = await encodeCheckpoint(original, { epoch: 3, metrics: { loss: 0.25 } });
    const decoded = decodeCheckpoint(bytes);
    expect(decoded.meta).toEqual({ epoch: 3, metrics: { loss: 0.25 } });
    const restored = toTensors(decoded);
    for (const [name, t] of Object.entries(original)) {
      expect(restored[name]!.dtype).toBe(t.dtype);
      expect(restored[name]!.shape).toEqual(t.shape);
      expect(restored[name]!.dataSync()).toEqual(t.dataSync());
    }
    expect(bytes.length % 4).toBe(0);
  });

  it("refuses a truncated file at every length, naming the byte offset", async () => {
    const bytes = await encodeCheckpoint(sample());
    for (const length of [0, 10, 19, 40, bytes.length - 5, bytes.length - 1]) {
      const error = expectRefused(() => decodeCheckpoint(bytes.subarray(0, length), "model.nrt"), "truncated");
      expect(error.source).toBe("model.nrt");
      expect(error.message).toContain("model.nrt");
    }
  });

  it("refuses a corrupted byte anywhere in the data or header through the checksum", async () => {
    const bytes = await encodeCheckpoint(sample());
    const corrupted = bytes.slice();
    corrupted[corrupted.length - 20]! ^= 0x01;
    expectRefused(() => decodeCheckpoint(corrupted), "checksum mismatch", bytes.length - 4);
  });

  it("refuses a wrong magic number, version or oversized header length", async () => {
    const bytes = await encodeCheckpoint(sample());
    const badMagic = bytes.slice();
    badMagic[2] = 0;
    expectRefused(() => decodeCheckpoint(badMagic), "not a Neurite checkpoint", 2);
    const badVersion = bytes.slice();
    new DataView(badVersion.buffer).setUint32(8, 2, true);
    expectRefused(() => decodeCheckpoint(badVersion), "format version 2 is not supported", 8);
    const hugeHeader = bytes.slice();
    new DataView(hugeHeader.buffer).setUint32(12, 0xffffffff, true);
    expectRefused(() => decodeCheckpoint(hugeHeader), "exceeds the 16777216-byte limit", 12);
  });

  it("refuses header entries that lie about a tensor, naming the tensor", async () => {
    const original = await encodeCheckpoint({ w: tensor([1, 2, 3]) });
    const text = new TextDecoder().decode(original.subarray(16, 16 + new DataView(original.buffer).getUint32(12, true)));
    const forged = text.replace('"shape":[3]', '"shape":[4]');
    const header = new TextEncoder().encode(forged);
    const bytes = new Uint8Array(original.length);
    bytes.set(original);
    bytes.set(header, 16);
    const error = expectRefused(() => decodeCheckpoint(bytes), "byteLength 12 does not match shape [4] of float32 (16 bytes)", 16);
    expect(error.tensorName).toBe("w");
  });

  it("refuses extra bytes after the data", async () => {
    const bytes = await encodeCheckpoint(sample());
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expectRefused(() => decodeCheckpoint(longer), "8 unexpected bytes after the data");
  });
});
