import { DataError } from "../errors.js";

/**
 * Where CSV text comes from: the text itself, its bytes, a URL (fetched on every pass), a `ReadableStream`
 * or `Response` (read once), any async iterable of strings or byte chunks (a Node readable, read once), or a
 * function that returns any of these (called on every pass, which makes a stream re-readable). File paths
 * are read by `csvFile` from `@neurite/data-loaders/node`.
 */
export type CsvSource =
  | string
  | Uint8Array
  | URL
  | Response
  | ReadableStream<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | (() => CsvSource | Promise<CsvSource>);

const SLICE = 1 << 20; // characters (or bytes) of an in-memory source handed to the tokenizer at once

/** The name errors use for a source. */
export function sourceName(source: CsvSource): string {
  if (typeof source === "string") return "string";
  if (source instanceof Uint8Array) return "bytes";
  if (source instanceof URL) return source.href;
  if (typeof Response !== "undefined" && source instanceof Response) return source.url === "" ? "response" : source.url;
  return "stream";
}

/** Whether a source can be read only once (streams), so that a second pass must be refused. */
export function isOneShot(source: CsvSource): boolean {
  return typeof source === "object" && !(source instanceof Uint8Array) && !(source instanceof URL);
}

/** Slices a string into UTF-8 chunks, never between the two halves of a surrogate pair. */
function* encodeSlices(text: string): Generator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; ) {
    let end = Math.min(text.length, i + SLICE);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    yield encoder.encode(text.slice(i, end));
    i = end;
  }
}

/**
 * The bytes of a source (UTF-8), chunk by chunk. Strings are encoded; bytes pass through untouched, since
 * the tokenizer works on bytes (see CsvTokenizer for why).
 */
export async function* byteChunks(source: CsvSource, name: string): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof source === "function") {
    yield* byteChunks(await source(), name);
    return;
  }
  if (typeof source === "string") {
    yield* encodeSlices(source);
    return;
  }
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i += SLICE) yield source.subarray(i, i + SLICE);
    return;
  }
  if (source instanceof URL) {
    yield* byteChunks(await fetchBody(source, name), name);
    return;
  }
  if (typeof Response !== "undefined" && source instanceof Response) {
    if (source.body === null) return;
    yield* byteChunks(source.body, name);
    return;
  }
  if (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) {
    const reader = (source as ReadableStream<Uint8Array | string>).getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        if (typeof next.value === "string") yield* encodeSlices(next.value);
        else yield next.value;
      }
      done = true;
    } finally {
      // Stopped early (the loop broke): let the producer know nobody reads any more.
      if (!done) await reader.cancel();
      reader.releaseLock();
    }
    return;
  }
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    if (typeof chunk === "string") yield* encodeSlices(chunk);
    else yield chunk;
  }
}

async function fetchBody(url: URL, name: string): Promise<ReadableStream<Uint8Array>> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new DataError("io", { op: "csv", source: name }, `cannot fetch the URL: ${String(error)}`, { cause: error });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new DataError("io", { op: "csv", source: name }, `the server answered ${response.status} ${response.statusText}; expected 200 OK`);
  }
  if (response.body === null) throw new DataError("empty", { op: "csv", source: name }, "the response has no body; expected CSV text");
  return response.body;
}
