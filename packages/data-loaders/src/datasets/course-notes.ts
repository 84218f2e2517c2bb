import { fromArrays } from "../arrays.js";
import type { InMemoryDataset } from "../dataset.js";

/**
 * The course notes' small data set (CONCEPTS.md): 8 students' study hours, sleep hours and quiz score, and
 * their exam score. Features `[study hours, sleep hours, quiz]` with the quiz as a fraction (78% → 0.78);
 * the label is the exam score as a fraction. Rows in the notes' order.
 *
 * ```ts
 * const loader = new DataLoader(courseNotesTable(), { batchSize: 2, shuffle: true, seed: 42 });
 * ```
 */
export function courseNotesTable(): InMemoryDataset {
  const rows: [number, number, number, number][] = [
    [12, 6, 78, 93],
    [22, 6.5, 24, 68],
    [115, 4, 100, 95],
    [31, 9, 67, 75],
    [0, 10, 58, 51],
    [5, 8, 78, 60],
    [92, 6, 82, 89],
    [57, 8, 91, 97],
  ];
  return fromArrays(
    rows.map(([study, sleep, quiz]) => [study, sleep, quiz / 100]),
    rows.map(([, , , exam]) => [exam / 100]),
    { name: "courseNotesTable", featureNames: ["study hours", "sleep hours", "quiz"], labelNames: ["exam"] },
  );
}
