import { cpu } from "@neurite/backend-cpu";
import { memory, setBackend } from "@neurite/tensor-core";
import { beforeAll, describe, expect, it } from "vitest";
import { table } from "./index.js";

beforeAll(async () => {
  await setBackend(cpu());
});

/**
 * The reliability table: every bad input is refused with its error class and a message holding its key
 * words, changes none of the state it names, and leaves no tensor behind.
 */
describe.each(Object.entries(table))("reliability: %s", (_area, rows) => {
  it.each(rows.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
    const { act, state, cleanup } = await row.arrange();
    const before = await state?.();
    const tensors = memory().tensors;
    let refused: unknown = null;
    try {
      await act();
    } catch (error) {
      refused = error;
    }
    expect(refused, "the call must be refused").toBeInstanceOf(row.error);
    const message = (refused as Error).message;
    for (const word of row.words) expect(message).toContain(word);
    for (const word of row.notWords ?? []) expect(message).not.toContain(word);
    // At most as many as before: an async row awaits, and the garbage collector's safety net may free an
    // earlier row's forgotten tensors meanwhile; a refusal that leaks would show as more.
    expect(memory().tensors, "a refusal leaves no tensor behind").toBeLessThanOrEqual(tensors);
    if (state !== undefined) expect(await state()).toEqual(before);
    cleanup?.();
  });
});
