import { createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpu } from "@neurite/backend-cpu";
import { memory, setBackend } from "@neurite/tensor-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { DataLoader } from "./index.js";
import { csvFile } from "./node.js";

const MB = 1024 * 1024;
const path = join(tmpdir(), `neurite-stream-${process.pid}.csv`);

// A pool of distinct rows, written over and over: the file's contents (and so the expected count and sums)
// are known without holding the file in memory.
const POOL = 2000;
const poolRows: string[] = [];
let poolLabelSum = 0;
let poolFeatureSum = 0;
for (let i = 0; i < POOL; i++) {
  const f = [Math.sin(i) * 100, Math.cos(i) * 10, (i % 97) / 7, i * 0.001];
  const label = i % 2;
  const row = `${f.map((v) => v.toFixed(4)).join(",")},${label}\n`;
  poolRows.push(row);
  poolLabelSum += label;
  poolFeatureSum += Math.fround(Number(f[0]!.toFixed(4)));
}
const chunk = poolRows.join("");
const TARGET_BYTES = 320 * MB;
const repeats = Math.ceil(TARGET_BYTES / Buffer.byteLength(chunk));

async function writeFile(): Promise<void> {
  const out = createWriteStream(path);
  out.write("a,b,c,d,label\n");
  for (let i = 0; i < repeats; i++) {
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

beforeAll(async () => {
  await setBackend(cpu());
});

afterAll(async () => {
  await rm(path, { force: true });
});

test("streams a CSV file of more than 300 MB through the DataLoader in bounded memory", { timeout: 180_000 }, async () => {
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const sample = (): void => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  };

  const t0 = performance.now();
  await writeFile();
  const t1 = performance.now();
  const bytes = (await stat(path)).size;
  expect(bytes).toBeGreaterThan(300 * MB);
  sample();

  const loader = new DataLoader(csvFile(path, { labels: "label" }), { batchSize: 1024, shuffle: true, seed: 5, prefetch: 2 });
  const tensorsBefore = memory().tensors;
  let rows = 0;
  let labelSum = 0;
  let featureSum = 0;
  let batches = 0;
  for await (const batch of loader) {
    const y = batch.y.dataSync();
    const x = batch.x.dataSync();
    for (let i = 0; i < batch.size; i++) {
      labelSum += y[i]!;
      featureSum += x[i * 4]!;
    }
    rows += batch.size;
    batch.dispose();
    if (++batches % 200 === 0) sample();
  }
  sample();
  const t2 = performance.now();

  expect(rows).toBe(POOL * repeats);
  expect(labelSum).toBe(poolLabelSum * repeats);
  expect(featureSum).toBeCloseTo(poolFeatureSum * repeats, 0);
  expect(memory().tensors).toBe(tensorsBefore);
  const rssGrowth = (peakRss - start.rss) / MB;
  const heapGrowth = (peakHeap - start.heapUsed) / MB;
  console.log(
    `streamed ${(bytes / MB).toFixed(0)} MB, ${rows} rows in ${((t2 - t1) / 1000).toFixed(1)} s ` +
      `(${(bytes / MB / ((t2 - t1) / 1000)).toFixed(0)} MB/s; writing took ${((t1 - t0) / 1000).toFixed(1)} s); ` +
      `peak growth: rss ${rssGrowth.toFixed(0)} MB, heap ${heapGrowth.toFixed(0)} MB`,
  );
  expect(rssGrowth).toBeLessThan(100);
  expect(heapGrowth).toBeLessThan(100);
});
