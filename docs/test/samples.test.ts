// Every runnable sample of the site, executed in Node on the CPU backend, with the output its page promises.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { cpu } from "@neurite/backend-cpu";
import { setBackend } from "@neurite/tensor-core";
import { describe, expect, it } from "vitest";
import { setSink, type OutputEvent } from "../runtime/output.js";
import { docsRoot, pages, samplesOf } from "./pages.js";

const shown = pages().flatMap(samplesOf);

async function run(sample: string): Promise<OutputEvent[]> {
  const events: OutputEvent[] = [];
  const previous = setSink((event) => events.push(event));
  try {
    await setBackend(cpu());
    await import(join(docsRoot, "samples", `${sample}.ts`));
  } finally {
    setSink(previous);
  }
  return events;
}

const textOf = (events: readonly OutputEvent[]): string =>
  events.flatMap((e) => (e.kind === "text" ? [e.text] : [])).join("\n");

describe("every sample file is shown on a page", () => {
  it.each(readdirSync(join(docsRoot, "samples")).filter((f) => f.endsWith(".ts")))("%s", (file) => {
    expect(shown.map((s) => `${s.sample}.ts`)).toContain(file);
  });
});

describe.each(shown)("$page: sample $sample", ({ sample, prints }) => {
  it("runs in Node and prints what the page says", async () => {
    expect(existsSync(join(docsRoot, "samples", `${sample}.ts`))).toBe(true);
    const events = await run(sample);
    expect(events.length).toBeGreaterThan(0);
    const text = textOf(events);
    for (const expected of prints) expect(text).toContain(expected);
  });
});
