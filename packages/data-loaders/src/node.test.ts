import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpu } from "@neurite/backend-cpu";
import { memory, setBackend } from "@neurite/tensor-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError } from "./errors.js";
import { DataLoader } from "./loader.js";
import { csvFile, readCsvFile } from "./node.js";

let dir = "";

beforeAll(async () => {
  await setBackend(cpu());
  dir = await mkdtemp(join(tmpdir(), "neurite-csv-"));
  await writeFile(join(dir, "students.csv"), "study,sleep,quiz,exam\r\n12,6,78%,93%\r\n22,6.5,24%,68%\r\n115,4,100%,95%\r\n31,9,67%,75%\r\n0,10,58%,51%\r\n5,abc,78%,60%\r\n");
  await writeFile(join(dir, "big.csv"), `x,y\n${Array.from({ length: 20_000 }, (_, i) => `${i},${i % 2}`).join("\n")}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("CSV files (@neurite/data-loaders/node)", () => {
  test("readCsvFile reads a file into memory and names it in errors", async () => {
    const error: unknown = await readCsvFile(join(dir, "students.csv"), { labels: "exam" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(/^csv \(students\.csv, line 7, column "sleep"\): "abc" is not a number/);
    const data = await readCsvFile(join(dir, "students.csv"), { labels: "exam", onBadRow: "skip" });
    expect(data.length).toBe(5);
    expect(data.skipped.count).toBe(1);
  });

  test("csvFile streams the file on every epoch", async () => {
    const loader = new DataLoader(csvFile(join(dir, "big.csv"), { labels: "y" }), { batchSize: 1000, shuffle: true, seed: 4, shuffleBuffer: 500 });
    for (let epoch = 0; epoch < 2; epoch++) {
      const seen = new Set<number>();
      for await (const batch of loader) {
        for (const v of batch.x.dataSync()) seen.add(v);
        batch.dispose();
      }
      expect(seen.size).toBe(20_000);
    }
  });

  test("breaking out of an epoch stops reading the file and leaks no tensors", async () => {
    const before = memory().tensors;
    let batches = 0;
    for await (const batch of new DataLoader(csvFile(join(dir, "big.csv"), { labels: "y" }), { batchSize: 100, prefetch: 4 })) {
      batch.dispose();
      if (++batches === 3) break;
    }
    expect(memory().tensors).toBe(before);
  });

  test("a file that does not exist is an io error naming it", async () => {
    const error: unknown = await readCsvFile(join(dir, "nope.csv")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe("io");
    expect((error as DataError).message).toMatch(/^csv \(nope\.csv\): cannot read/);
  });

  test("a read that fails after the file was found (a folder) is an io error naming it, not a raw fs error", async () => {
    const error: unknown = await readCsvFile(dir, { name: "folder.csv" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).reason).toBe("io");
    expect((error as DataError).message).toMatch(/^csv \(folder\.csv\): cannot read ".*": EISDIR/);
    expect((error as DataError).cause).toBeInstanceOf(Error);
  });
});
