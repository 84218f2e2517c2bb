// Data from CSV text, from arrays, and from an iterable, each cut into batches by a DataLoader.
import { print, table } from "@docs/output";
import { DataLoader, fromArrays, fromIterable, readCsv, split, standardize } from "@neurite/data-loaders";

// CSV: the course notes' table as text (in the browser a File or fetch Response works the same; in Node a path
// with readCsvFile from "@neurite/data-loaders/node").
const text = `study,sleep,quiz,exam
12,6,0.78,0.93
22,6.5,0.24,0.68
115,4,1.00,0.95
31,9,0.67,0.75
0,10,0.58,0.51
5,8,0.78,0.60
92,6,0.82,0.89
57,8,0.91,0.97`;
const students = await readCsv(text, { labels: "exam" });
await print(`CSV: ${students.length} samples, features ${JSON.stringify(students.get(0).x)}, label ${JSON.stringify(students.get(0).y)}`);

// Transforms are fitted on the training split only, then applied to every split.
const { train, validation } = split(students, { validation: 0.25, seed: 1 });
const scaler = standardize(train);
const loader = new DataLoader(scaler.apply(train), { batchSize: 3, shuffle: true, seed: 2 });
for await (const batch of loader) {
  await print(`batch of ${batch.size}: x`, batch.x, "y", batch.y);
  batch.dispose();
}
await print(`validation: ${validation.length} samples`);

// Arrays: features and labels side by side.
const xorData = fromArrays([[0, 0], [0, 1], [1, 0], [1, 1]], [0, 1, 1, 0]);
table(Array.from({ length: xorData.length }, (_, i) => ({ x: JSON.stringify(xorData.get(i).x), y: xorData.get(i).y[0]! })));

// Iterables (sync or async): a stream of samples, e.g. generated, or read from a socket by an async generator.
function* squares() {
  for (let i = 0; i < 5; i++) yield { x: [i], y: [i * i] };
}
// A streamed dataset is read once per pass, batch by batch (shuffling it needs it in memory first).
for await (const batch of new DataLoader(fromIterable(squares), { batchSize: 2, shuffle: false })) {
  await print("streamed batch: x", batch.x, "y", batch.y);
  batch.dispose();
}
