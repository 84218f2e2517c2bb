// Finds the code examples in the packages' TSDoc comments: every ```ts block inside a /** … */ comment
// (with or without an @example tag), with the file and line it starts on.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { docsRoot } from "./pages.js";

export interface DocExample {
  /** "packages/autograd/src/transforms.ts:166" */
  readonly where: string;
  readonly pkg: string;
  readonly code: string;
}

const packagesRoot = join(docsRoot, "..", "packages");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "testing" ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

export function docExamples(): DocExample[] {
  const examples: DocExample[] = [];
  for (const pkg of readdirSync(packagesRoot)) {
    for (const file of sourceFiles(join(packagesRoot, pkg, "src"))) {
      const lines = readFileSync(file, "utf8").split("\n");
      let inComment = false;
      let block: string[] | null = null;
      let start = 0;
      for (const [i, line] of lines.entries()) {
        if (!inComment && line.includes("/**")) inComment = true;
        if (inComment) {
          const text = line.replace(/^\s*\/?\*\*?\s?/, "");
          if (block === null && /^```(ts|typescript)\s*$/.test(text.trim())) {
            block = [];
            start = i + 2;
          } else if (block !== null && text.trim() === "```") {
            examples.push({ where: `${relative(join(docsRoot, ".."), file)}:${start}`, pkg, code: block.join("\n") });
            block = null;
          } else if (block !== null) block.push(text);
        }
        if (inComment && line.includes("*/")) {
          inComment = false;
          block = null;
        }
      }
    }
  }
  return examples;
}
