import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ArgumentError } from "@neurite/tensor-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DataError } from "../errors.js";
import type { InMemoryDataset } from "../dataset.js";
import { csv, readCsv } from "./dataset.js";

const STUDENTS = `study,sleep,quiz,exam
12,6,78%,93%
22,6.5,24%,68%
115,4,100%,95%
31,9,67%,75%
0,10,58%,51%
5,8,78%,60%
92,6,82%,89%
57,8,91%,97%
`;

const rows = (data: InMemoryDataset): { x: number[]; y: number[] }[] =>
  Array.from({ length: data.length }, (_, i) => ({ x: Array.from(data.get(i).x), y: Array.from(data.get(i).y) }));

/** The DataError a promise rejects with. */
async function dataError(promise: Promise<unknown>): Promise<DataError> {
  const error: unknown = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(DataError);
  return error as DataError;
}

describe("csv columns", () => {
  test("reads the course notes' table: header names, label column, percentages as fractions", async () => {
    const data = await readCsv(STUDENTS, { labels: "exam" });
    expect(data.length).toBe(8);
    expect(data.featureNames).toEqual(["study", "sleep", "quiz"]);
    expect(data.labelNames).toEqual(["exam"]);
    expect(Array.from(data.get(1).x)).toEqual([22, 6.5, Math.fround(0.24)]);
    expect(Array.from(data.get(1).y)).toEqual([Math.fround(0.68)]);
  });

  test("picks feature columns in the order given and leaves ignored columns out", async () => {
    const text = "id,a,b,c,y\n1,10,20,30,0\n2,11,21,31,1\n";
    expect(rows(await readCsv(text, { labels: "y", features: ["c", "a"] }))[1]).toEqual({ x: [31, 11], y: [1] });
    const ignored = await readCsv(text, { labels: "y", ignore: ["id"] });
    expect(ignored.featureNames).toEqual(["a", "b", "c"]);
    expect(rows(ignored)[0]).toEqual({ x: [10, 20, 30], y: [0] });
  });

  test("takes several label columns, by name or position", async () => {
    const data = await readCsv("a,b,c\n1,2,3\n", { labels: ["c", 1] });
    expect(rows(data)).toEqual([{ x: [1], y: [3, 2] }]);
  });

  test("reads files without a header by position, or with names given", async () => {
    const noHeader = await readCsv("1,2,3\n4,5,6\n", { header: false, labels: 2 });
    expect(rows(noHeader)).toEqual([{ x: [1, 2], y: [3] }, { x: [4, 5], y: [6] }]);
    const named = await readCsv("1,2,3\n4,5,6\n", { header: ["a", "b", "c"], labels: "a" });
    expect(named.featureNames).toEqual(["b", "c"]);
    expect(rows(named)[1]).toEqual({ x: [5, 6], y: [4] });
  });

  test("reads quoted numbers, spaces around numbers, and another delimiter", async () => {
    const data = await readCsv('a;b\n"1,5";" 2 "\n', { delimiter: ";", labels: "b" }).catch((e: unknown) => e);
    expect(data).toBeInstanceOf(DataError); // "1,5" is not a decimal number with a point
    const ok = await readCsv('a;b\n"1.5";" 2 "\n', { delimiter: ";", labels: "b" });
    expect(rows(ok)).toEqual([{ x: [1.5], y: [2] }]);
  });

  test("describes how each column became numbers", async () => {
    const data = csv("a,color,y\n1,red,0\n", { labels: "y", categorical: { color: { categories: ["red", "green"] } } });
    expect(data.columns).toBeUndefined(); // nothing read yet
    await data.collect();
    expect(data.columns).toEqual([
      { name: "a", index: 0, role: "feature", encoding: "number", categories: undefined, offset: 0, width: 1 },
      { name: "color", index: 1, role: "feature", encoding: "oneHot", categories: ["red", "green"], offset: 1, width: 2 },
      { name: "y", index: 2, role: "label", encoding: "number", categories: undefined, offset: 0, width: 1 },
    ]);
    expect(data.featureNames).toEqual(["a", "color=red", "color=green"]);
  });
});

describe("csv categories", () => {
  const IRIS = "length,width,species\n5.1,3.5,setosa\n7.0,3.2,versicolor\n6.3,3.3,virginica\n4.9,3.0,setosa\n";

  test("label-encodes a categorical label column in order of first appearance", async () => {
    const data = csv(IRIS, { labels: "species", categorical: ["species"] });
    const read = await data.collect();
    expect(Array.from(read.y)).toEqual([0, 1, 2, 0]);
    expect(data.columns?.[2]?.categories).toEqual(["setosa", "versicolor", "virginica"]);
  });

  test("one-hot encodes a feature column with the categories given", async () => {
    const data = await csv("c,y\nb,1\na,0\nc,1\n", { labels: "y", categorical: { c: { categories: ["a", "b", "c"] } } }).collect();
    expect(rows(data).map((r) => r.x)).toEqual([[0, 1, 0], [1, 0, 0], [0, 0, 1]]);
  });

  test("readCsv learns one-hot categories from the file", async () => {
    const data = await readCsv("n,c,y\n1,b,1\n2,a,0\n3,b,1\n", { labels: "y", categorical: ["c"] });
    expect(data.featureNames).toEqual(["n", "c=b", "c=a"]);
    expect(rows(data).map((r) => r.x)).toEqual([[1, 1, 0], [2, 0, 1], [3, 1, 0]]);
  });

  test("a streamed one-hot column needs its categories", async () => {
    const data = csv("c,y\nb,1\n", { labels: "y", categorical: ["c"] });
    await expect(data.collect()).rejects.toThrow(ArgumentError);
    await expect(data.collect()).rejects.toThrow(/one-hot column "c" needs its categories/);
  });

  test("refuses a category outside the list, naming line and column", async () => {
    const error = await dataError(readCsv("c,y\na,1\nz,0\n", { labels: "y", categorical: { c: { categories: ["a", "b"] } } }));
    expect(error.reason).toBe("unknown-category");
    expect(error.message).toBe('csv (string, line 3, column "c"): "z" is not one of the column\'s categories ("a", "b")');
  });

  test("keeps learned label indices the same in every epoch", async () => {
    const data = csv(IRIS, { labels: "species", categorical: ["species"] });
    const first = Array.from((await data.collect()).y);
    const second = Array.from((await data.collect()).y);
    expect(second).toEqual(first);
  });
});

describe("csv sources", () => {
  let server: Server;
  let base = "";

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/students.csv") {
        response.writeHead(200, { "content-type": "text/csv" });
        // Sent in small pieces, so the body arrives as several chunks.
        const bytes = Buffer.from(STUDENTS);
        for (let i = 0; i < bytes.length; i += 7) response.write(bytes.subarray(i, i + 7));
        response.end();
      } else {
        response.writeHead(404, "Not Found");
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const expected = async (): Promise<{ x: number[]; y: number[] }[]> => rows(await readCsv(STUDENTS, { labels: "exam" }));

  test("a string, bytes, and bytes cut at every size give the same rows", async () => {
    const want = await expected();
    expect(rows(await readCsv(new TextEncoder().encode(STUDENTS), { labels: "exam" }))).toEqual(want);
    const bytes = new TextEncoder().encode(STUDENTS);
    for (const size of [1, 3, 16]) {
      // eslint-disable-next-line @typescript-eslint/require-await
      const chunks = async function* (): AsyncGenerator<Uint8Array> {
        for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
      };
      expect(rows(await readCsv(chunks, { labels: "exam" }))).toEqual(want);
    }
  });

  test("a URL is fetched (on every pass) and named in errors", async () => {
    const data = csv(new URL("/students.csv", base), { labels: "exam" });
    expect(rows(await data.collect())).toEqual(await expected());
    expect((await data.collect()).length).toBe(8);
    expect(data.name).toBe(`${base}/students.csv`);
  });

  test("a URL that answers 404 is an io error", async () => {
    const error = await dataError(readCsv(new URL("/missing.csv", base), { labels: "exam" }));
    expect(error.reason).toBe("io");
    expect(error.message).toContain("404");
  });

  test("a ReadableStream of bytes or strings, and a fetch Response", async () => {
    const want = await expected();
    const bytes = new TextEncoder().encode(STUDENTS);
    const byteStream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 5) controller.enqueue(bytes.slice(i, i + 5));
        controller.close();
      },
    });
    expect(rows(await readCsv(byteStream, { labels: "exam" }))).toEqual(want);
    const textStream = new ReadableStream<string>({
      start(controller) {
        controller.enqueue(STUDENTS.slice(0, 40));
        controller.enqueue(STUDENTS.slice(40));
        controller.close();
      },
    });
    expect(rows(await readCsv(textStream, { labels: "exam" }))).toEqual(want);
    expect(rows(await readCsv(await fetch(new URL("/students.csv", base)), { labels: "exam" }))).toEqual(want);
  });

  test("a stream is read once; a function returning a stream is read every pass", async () => {
    const stream = (): ReadableStream<string> => new ReadableStream({ start: (c) => { c.enqueue(STUDENTS); c.close(); } });
    const once = csv(stream(), { labels: "exam" });
    await once.collect();
    const error = await dataError(once.collect());
    expect(error.reason).toBe("consumed");
    const every = csv(stream, { labels: "exam" });
    expect((await every.collect()).length).toBe(8);
    expect((await every.collect()).length).toBe(8);
  });

  test("a string that looks like a URL or a file path is refused with the fix", () => {
    expect(() => csv("https://example.com/data.csv")).toThrow(/pass new URL/);
    expect(() => csv("data/students.csv")).toThrow(/csvFile/);
  });
});

describe("csv bad input", () => {
  test("a ragged row names the file and line", async () => {
    const error = await dataError(readCsv("a,b,c\n1,2,3\n4,5\n", { labels: "c", name: "students.csv" }));
    expect(error.reason).toBe("ragged-row");
    expect(error.line).toBe(3);
    expect(error.message).toBe("csv (students.csv, line 3): row has 2 fields, expected 3 (a, b, c)");
  });

  test("a non-numeric value names the file, line and column", async () => {
    const text = STUDENTS.replace("5,8,78%,60%", "5,abc,78%,60%");
    const error = await dataError(readCsv(text, { labels: "exam", name: "students.csv" }));
    expect(error.reason).toBe("not-a-number");
    expect([error.source, error.line, error.column]).toEqual(["students.csv", 7, "sleep"]);
    expect(error.message).toMatch(/^csv \(students\.csv, line 7, column "sleep"\): "abc" is not a number; expected a decimal number/);
  });

  test("an empty file, and a header without rows, are refused", async () => {
    expect((await dataError(readCsv("", { labels: "y" }))).reason).toBe("empty");
    expect((await dataError(readCsv("\n\n", { labels: "y" }))).message).toContain("the file is empty");
    const headerOnly = await dataError(readCsv("a,y\n", { labels: "y" }));
    expect(headerOnly.reason).toBe("empty");
    expect(headerOnly.message).toContain("header but no data rows");
  });

  test("a missing label column lists the header", async () => {
    const error = await dataError(readCsv(STUDENTS, { labels: "grade", name: "students.csv" }));
    expect(error.reason).toBe("missing-column");
    expect(error.message).toBe('csv (students.csv, line 1): label column "grade" is not in the header ("study", "sleep", "quiz", "exam"); expected one of these names');
    expect((await dataError(readCsv("1,2\n", { header: false, labels: 5 }))).reason).toBe("missing-column");
  });

  test("bad quoting is refused with its line and column", async () => {
    const after = await dataError(readCsv('a,b\n1,"2"x\n', { labels: "b" }));
    expect([after.reason, after.line, after.column]).toEqual(["quote", 2, "b"]);
    const open = await dataError(readCsv('a,b\n1,2\n3,"4\n5,6\n', { labels: "b" }));
    expect([open.reason, open.line]).toEqual(["quote", 3]);
  });

  test("a quote that never closes is reported as such, not as the ragged row it swallows", async () => {
    const open = await dataError(readCsv('a,b\n1,2\n"3,4\n5,6\n', { labels: "b" }));
    expect([open.reason, open.line, open.column]).toEqual(["quote", 3, "a"]);
    expect(open.message).toContain("a quoted field never closes");
  });

  test("a value outside float32 is refused", async () => {
    expect((await dataError(readCsv("a,y\n1e39,1\n", { labels: "y" }))).message).toContain("outside the float32 range");
  });

  test("with onBadRow: skip, bad rows are skipped and counted with their reasons", async () => {
    const text = "a,b,y\n1,2,0\n3,x,1\n4,5\n6,7,1\n8,9,\n";
    const data = await readCsv(text, { labels: "y", onBadRow: "skip", name: "d.csv" });
    expect(rows(data)).toEqual([{ x: [1, 2], y: [0] }, { x: [6, 7], y: [1] }]);
    expect(data.skipped.count).toBe(3);
    expect(data.skipped.reasons.map((e) => [e.reason, e.line])).toEqual([["not-a-number", 3], ["ragged-row", 4], ["missing-value", 6]]);
  });

  test("a streaming dataset reports the rows its latest pass skipped", async () => {
    const data = csv("a,y\n1,0\nbad,1\n2,1\n", { labels: "y", onBadRow: "skip" });
    expect(data.skipped.count).toBe(0);
    expect((await data.collect()).length).toBe(2);
    expect(data.skipped.count).toBe(1);
    await data.collect();
    expect(data.skipped.count).toBe(1); // per pass, not accumulated
  });

  test("keeps only the first few reasons but counts every skipped row", async () => {
    const text = `a,y\n${Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `${i},1` : "x,1")).join("\n")}\n`;
    const data = await readCsv(text, { labels: "y", onBadRow: "skip" });
    expect(data.length).toBe(25);
    expect(data.skipped.count).toBe(25);
    expect(data.skipped.reasons).toHaveLength(10);
  });

  test("bad options are ArgumentErrors", () => {
    expect(() => csv("a\n1\n", { delimiter: ",," })).toThrow(ArgumentError);
    expect(() => csv("a\n1\n", { delimiter: '"' })).toThrow(ArgumentError);
    expect(() => csv("a\n1\n", { missing: "mean" })).toThrow(/readCsv/);
    expect(() => csv("a\n1\n", { missing: { fill: NaN } })).toThrow(ArgumentError);
  });
});

describe("csv missing values", () => {
  const TEXT = "a,b,y\n1,2,0\n,4,1\n5,NA,1\n7,8,0\n";

  test("are errors by default, naming line and column", async () => {
    const error = await dataError(readCsv(TEXT, { labels: "y" }));
    expect([error.reason, error.line, error.column]).toEqual(["missing-value", 3, "a"]);
    expect(error.message).toContain('set missing to "skip", { fill: 0 } or "mean"');
  });

  test("skip drops the rows and counts them", async () => {
    const data = await readCsv(TEXT, { labels: "y", missing: "skip" });
    expect(rows(data).map((r) => r.x)).toEqual([[1, 2], [7, 8]]);
    expect(data.skipped.count).toBe(2);
  });

  test("fill puts a value in", async () => {
    const data = await readCsv(TEXT, { labels: "y", missing: { fill: -1 } });
    expect(rows(data).map((r) => r.x)).toEqual([[1, 2], [-1, 4], [5, -1], [7, 8]]);
  });

  test("mean keeps NaN in memory for imputeMean", async () => {
    const data = await readCsv(TEXT, { labels: "y", missing: "mean" });
    expect(data.missing).toBe(2);
    expect(data.get(1).x[0]).toBeNaN();
  });

  test("a missing label can only be skipped", async () => {
    const text = "a,y\n1,0\n2,\n";
    const error = await dataError(readCsv(text, { labels: "y", missing: { fill: 0 } }));
    expect(error.message).toContain("a missing label can only be skipped");
    expect((await readCsv(text, { labels: "y", missing: "skip" })).length).toBe(1);
  });

  test("custom missing-value tokens", async () => {
    const data = await readCsv("a,y\n?,1\n2,0\n", { labels: "y", missingTokens: ["?"], missing: { fill: 0 } });
    expect(rows(data).map((r) => r.x)).toEqual([[0], [2]]);
  });
});
