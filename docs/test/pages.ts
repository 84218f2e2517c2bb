// Reads the site's pages: which samples each shows, and what the page says each prints.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const docsRoot = fileURLToPath(new URL("..", import.meta.url));

export interface PageSample {
  readonly page: string;
  readonly sample: string;
  /** The backticked strings of the paragraphs starting "It prints" after this sample (before the next one). */
  readonly prints: readonly string[];
}

/** Every Markdown page of the site (without generated API pages), as a path relative to docs/. */
export function pages(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "api", ".vitepress", "test-artifacts", "samples", "public"].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith(".md")) found.push(relative(docsRoot, path));
    }
  };
  walk(docsRoot);
  return found.sort();
}

/** The samples a page shows, in order, with what the page says they print. */
export function samplesOf(page: string): PageSample[] {
  const text = readFileSync(join(docsRoot, page), "utf8");
  const parts = text.split(/<Sample src="([\w-]+)">/);
  const result: PageSample[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    const after = (parts[i + 1] ?? "").split(/\n#/)[0]!;
    const prints = after
      .split(/\n\s*\n/)
      .filter((paragraph) => /^\s*It prints\b/.test(paragraph))
      .flatMap((paragraph) => [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
    result.push({ page, sample: parts[i]!, prints });
  }
  return result;
}
