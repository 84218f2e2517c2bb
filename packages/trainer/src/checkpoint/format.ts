import {
  NeuriteError,
  allocate,
  bytesPerElement,
  sizeOf,
  tensor,
  type Backend,
  type DType,
  type Tensor,
  type TypedArray,
} from "@neurite/tensor-core";
import { crc32 } from "./crc32.js";

/**
 * The Neurite checkpoint format, version 1. All integers are little-endian.
 *
 * | offset | size | content |
 * |---|---|---|
 * | 0 | 8 | magic: the bytes `NRTCKPT` followed by 0x1A |
 * | 8 | 4 | format version (u32) = 1 |
 * | 12 | 4 | header length H (u32), at most 16 MiB |
 * | 16 | H | header: UTF-8 JSON `{ "tensors": [{ name, dtype, shape, offset, byteLength }], "meta": … }` |
 * | 16 + H | 0–7 | zero padding to a multiple of 8 |
 * | D | … | tensor data, raw little-endian, each at D + offset (offsets multiples of 8) |
 * | end − 4 | 4 | CRC-32 of every byte before it |
 *
 * Loading parses JSON and copies numbers; it never evaluates anything. Every structural fact is checked
 * before any tensor is created, and a failure names the byte offset (and the tensor) where it was found.
 */
export const CHECKPOINT_VERSION = 1;
/** The largest JSON header a checkpoint may have (16 MiB); a larger one is refused as corrupt. */
export const MAX_HEADER_BYTES = 16 * 1024 * 1024;
const MAGIC = [0x4e, 0x52, 0x54, 0x43, 0x4b, 0x50, 0x54, 0x1a]; // "NRTCKPT\x1a"
const PREFIX_BYTES = 16;
const CHECKSUM_BYTES = 4;
const DTYPES: readonly DType[] = ["float32", "int32", "bool", "float64"];

/** A checkpoint that cannot be read: what is wrong, where (byte offset, tensor) and in which file. */
export class CheckpointError extends NeuriteError {
  readonly byteOffset: number | undefined;
  readonly tensorName: string | undefined;
  readonly source: string;

  constructor(source: string, message: string, where: { readonly byteOffset?: number; readonly tensor?: string } = {}) {
    const at = [where.byteOffset === undefined ? null : `byte ${where.byteOffset}`, where.tensor === undefined ? null : `tensor '${where.tensor}'`]
      .filter((s) => s !== null)
      .join(", ");
    super({ op: "checkpoint", argument: source }, at === "" ? message : `${message} (at ${at})`);
    this.byteOffset = where.byteOffset;
    this.tensorName = where.tensor;
    this.source = source;
  }
}

/** JSON values a checkpoint's `meta` may hold (epoch, metrics, optimizer hyper-parameters, …). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

interface TensorEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly byteLength: number;
}

/** One tensor as read from a checkpoint: plain values, not yet on any backend. */
export interface StoredTensor {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: TypedArray;
}

/** A decoded checkpoint: its tensors as stored values, and its metadata. */
export interface DecodedCheckpoint {
  readonly tensors: Readonly<Record<string, StoredTensor>>;
  readonly meta: JsonValue;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Raw little-endian bytes of a typed array (a copy on big-endian hosts). */
function littleEndianBytes(values: TypedArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN_HOST || values.BYTES_PER_ELEMENT === 1) return bytes;
  const swapped = new Uint8Array(bytes.length);
  const width = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i += width) for (let j = 0; j < width; j++) swapped[i + j] = bytes[i + width - 1 - j]!;
  return swapped;
}

/**
 * Serializes named tensors and JSON metadata into checkpoint bytes. Reads the tensors asynchronously, so it
 * works on every backend.
 *
 * ```ts
 * const model = dense(3, 1);
 * const bytes = await encodeCheckpoint(model.stateDict(), { epoch: 12, metrics: { loss: 0.03 } });
 * ```
 */
export async function encodeCheckpoint(tensors: Readonly<Record<string, Tensor>>, meta: JsonValue = null): Promise<Uint8Array> {
  const names = Object.keys(tensors);
  const data = await Promise.all(names.map((name) => tensors[name]!.data()));
  const entries: TensorEntry[] = [];
  let offset = 0;
  names.forEach((name, i) => {
    const t = tensors[name]!;
    entries.push({ name, dtype: t.dtype, shape: [...t.shape], offset, byteLength: data[i]!.byteLength });
    offset = align8(offset + data[i]!.byteLength);
  });
  const header = new TextEncoder().encode(JSON.stringify({ tensors: entries, meta }));
  if (header.length > MAX_HEADER_BYTES) {
    throw new CheckpointError("memory", `the header would take ${header.length} bytes, more than the ${MAX_HEADER_BYTES}-byte limit; store less metadata`);
  }
  const dataStart = align8(PREFIX_BYTES + header.length);
  const bytes = new Uint8Array(dataStart + offset + CHECKSUM_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, header.length, true);
  bytes.set(header, PREFIX_BYTES);
  entries.forEach((entry, i) => {
    bytes.set(littleEndianBytes(data[i]!), dataStart + entry.offset);
  });
  view.setUint32(bytes.length - CHECKSUM_BYTES, crc32(bytes.subarray(0, bytes.length - CHECKSUM_BYTES)), true);
  return bytes;
}

function parseEntry(source: string, raw: unknown, index: number, headerOffset: number): TensorEntry {
  const fail = (message: string, name?: string): never => {
    throw new CheckpointError(source, `header entry ${index}: ${message}`, name === undefined ? { byteOffset: headerOffset } : { byteOffset: headerOffset, tensor: name });
  };
  if (raw === null || typeof raw !== "object") return fail("expected an object");
  const { name, dtype, shape, offset, byteLength } = raw as Record<string, unknown>;
  if (typeof name !== "string" || name.length === 0) return fail("expected a non-empty string 'name'");
  if (!DTYPES.includes(dtype as DType)) return fail(`dtype ${JSON.stringify(dtype)} is not one of ${DTYPES.join(", ")}`, name);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return fail("shape must be a list of non-negative integers", name);
  if (!Number.isInteger(offset) || (offset as number) < 0 || (offset as number) % 8 !== 0) return fail("offset must be a non-negative multiple of 8", name);
  const expected = sizeOf(shape as number[]) * bytesPerElement(dtype as DType);
  if (byteLength !== expected) return fail(`byteLength ${String(byteLength)} does not match shape [${(shape as number[]).join(", ")}] of ${dtype as string} (${expected} bytes)`, name);
  return { name, dtype: dtype as DType, shape: shape as number[], offset: offset as number, byteLength: expected };
}

/**
 * Reads checkpoint bytes, checking everything: magic, version, header size and syntax, every tensor's dtype,
 * shape and extent, the total length (truncation) and the CRC-32 (corruption). `source` names the file in
 * errors.
 */
export function decodeCheckpoint(bytes: Uint8Array, source = "checkpoint"): DecodedCheckpoint {
  if (bytes.length < PREFIX_BYTES + CHECKSUM_BYTES) {
    throw new CheckpointError(source, `file of ${bytes.length} bytes is truncated: even an empty checkpoint takes ${PREFIX_BYTES + CHECKSUM_BYTES}`, { byteOffset: bytes.length });
  }
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) throw new CheckpointError(source, "not a Neurite checkpoint (bad magic number)", { byteOffset: i });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    throw new CheckpointError(source, `format version ${version} is not supported; this version of Neurite reads version ${CHECKPOINT_VERSION}`, { byteOffset: 8 });
  }
  const headerLength = view.getUint32(12, true);
  if (headerLength > MAX_HEADER_BYTES) {
    throw new CheckpointError(source, `header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit`, { byteOffset: 12 });
  }
  if (PREFIX_BYTES + headerLength + CHECKSUM_BYTES > bytes.length) {
    throw new CheckpointError(source, `truncated: the header needs ${headerLength} bytes but the file has ${bytes.length} in all`, { byteOffset: bytes.length });
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch (error) {
    throw new CheckpointError(source, `the header is not valid UTF-8 JSON (${(error as Error).message})`, { byteOffset: PREFIX_BYTES });
  }
  if (header === null || typeof header !== "object" || !Array.isArray((header as { tensors?: unknown }).tensors)) {
    throw new CheckpointError(source, "the header has no 'tensors' list", { byteOffset: PREFIX_BYTES });
  }
  const entries = ((header as { tensors: unknown[] }).tensors).map((raw, i) => parseEntry(source, raw, i, PREFIX_BYTES));
  const dataStart = align8(PREFIX_BYTES + headerLength);
  const dataEnd = entries.reduce((end, e) => Math.max(end, align8(e.offset + e.byteLength)), 0);
  const expectedLength = dataStart + dataEnd + CHECKSUM_BYTES;
  if (bytes.length !== expectedLength) {
    throw new CheckpointError(
      source,
      bytes.length < expectedLength ? `truncated: expected ${expectedLength} bytes, found ${bytes.length}` : `${bytes.length - expectedLength} unexpected bytes after the data`,
      { byteOffset: Math.min(bytes.length, expectedLength) },
    );
  }
  const stored = view.getUint32(bytes.length - CHECKSUM_BYTES, true);
  const computed = crc32(bytes.subarray(0, bytes.length - CHECKSUM_BYTES));
  if (stored !== computed) {
    throw new CheckpointError(source, `checksum mismatch (stored ${stored.toString(16)}, computed ${computed.toString(16)}): the file is corrupted`, {
      byteOffset: bytes.length - CHECKSUM_BYTES,
    });
  }
  const tensors: Record<string, StoredTensor> = {};
  for (const e of entries) {
    if (e.name in tensors) throw new CheckpointError(source, "the same tensor name appears twice", { byteOffset: PREFIX_BYTES, tensor: e.name });
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, values: readValues(bytes, dataStart + e.offset, e) };
  }
  return { tensors, meta: ((header as { meta?: JsonValue }).meta ?? null) };
}

function readValues(bytes: Uint8Array, start: number, entry: TensorEntry): TypedArray {
  const count = entry.byteLength / bytesPerElement(entry.dtype);
  const values = allocate(entry.dtype, count);
  const target = new Uint8Array(values.buffer);
  target.set(bytes.subarray(start, start + entry.byteLength));
  if (!LITTLE_ENDIAN_HOST && values.BYTES_PER_ELEMENT > 1) target.set(littleEndianBytes(values));
  return values;
}

/** Turns decoded tensors into tensors on `backend` (the current one by default). The caller owns them. */
export function toTensors(decoded: DecodedCheckpoint, backend?: Backend): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(decoded.tensors)) {
    out[name] = tensor(t.values, backend === undefined ? { dtype: t.dtype, shape: t.shape } : { dtype: t.dtype, shape: t.shape, backend });
  }
  return out;
}
