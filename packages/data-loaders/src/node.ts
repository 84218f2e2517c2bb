/**
 * @neurite/data-loaders/node — reading CSV files from disk in Node. Kept apart from the main entry point so
 * that browser bundles never import `node:fs`.
 */
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { basename } from "node:path";
import type { InMemoryDataset } from "./dataset.js";
import { csv, readCsv, type CsvDataset, type CsvOptions } from "./csv/dataset.js";
import { DataError } from "./errors.js";

const CHUNK = 1 << 20; // bytes per read

async function* fileChunks(path: string, name: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    await access(path);
  } catch (error) {
    throw new DataError("io", { op: "csv", source: name }, `cannot read ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
  }
  // A read can still fail after `access` (a folder, a file removed or unreadable mid-pass): the error names
  // the file like any other data error. `finally` closes the stream when the caller stops early.
  const stream = createReadStream(path, { highWaterMark: CHUNK });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw new DataError("io", { op: "csv", source: name }, `cannot read ${JSON.stringify(path)}: ${(error as Error).message}`, { cause: error });
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
}

/**
 * A CSV file as a streaming dataset: read in 1 MB chunks on every pass, so a file of any size trains in
 * bounded memory. Errors name the file: `csv (students.csv, line 7, column "sleep"): "abc" is not a number`.
 *
 * ```ts
 * import { csvFile } from "@neurite/data-loaders/node";
 * const loader = new DataLoader(csvFile("data/houses.csv", { labels: "price" }), { batchSize: 64, shuffle: true, seed: 1 });
 * ```
 */
export function csvFile(path: string, options: CsvOptions = {}): CsvDataset {
  const name = options.name ?? basename(path);
  return csv(() => fileChunks(path, name), { ...options, name });
}

/**
 * A CSV file read whole into memory (see `readCsv`), for data that fits: then it can be split and have
 * transforms fitted on it.
 *
 * ```ts
 * import { writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 * const path = join(tmpdir(), "students.csv");
 * await writeFile(path, "study,sleep,exam\n12,6,0.93\n22,6.5,0.68\n");
 * const data = await readCsvFile(path, { labels: "exam" });
 * ```
 */
export async function readCsvFile(path: string, options: CsvOptions = {}): Promise<InMemoryDataset> {
  const name = options.name ?? basename(path);
  return readCsv(() => fileChunks(path, name), { ...options, name });
}
