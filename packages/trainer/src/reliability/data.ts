import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataError, DataLoader, fromArrays, readCsv } from "@neurite/data-loaders";
import { readCsvFile } from "@neurite/data-loaders/node";
import { ArgumentError } from "@neurite/tensor-core";
import type { Refusal } from "./table.js";

/** data-loaders: malformed CSV, unreadable files, loader options. */
export const data: readonly Refusal[] = [
  {
    name: "a CSV quote that never closes (not reported as a ragged row)",
    error: DataError,
    words: ["csv", "line 3", "quoted field never closes"],
    arrange: () => ({ act: () => readCsv('a,b\n1,2\n"3,4\n5,6\n', { labels: "b" }) }),
  },
  {
    name: "a ragged CSV row",
    error: DataError,
    words: ["csv", "line 2", "1 fields, expected 2"],
    arrange: () => ({ act: () => readCsv("a,b\n1\n", { labels: "b" }) }),
  },
  {
    name: "a CSV path that is a folder",
    error: DataError,
    words: ["csv", "cannot read", "EISDIR"],
    arrange: async () => {
      const folder = await mkdtemp(join(tmpdir(), "neurite-reliability-"));
      return { act: () => readCsvFile(folder) };
    },
  },
  {
    name: "a batch size of 0",
    error: ArgumentError,
    words: ["DataLoader", "batchSize", "0"],
    arrange: () => ({ act: () => new DataLoader(fromArrays([[1]], [[1]]), { batchSize: 0 }) }),
  },
];
