// Every code example in the packages' TSDoc comments runs: each is written out as a module that imports
// what it uses from the packages' entry points (the example's own imports kept), on the CPU backend.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as autograd from "@neurite/autograd";
import * as backendCpu from "@neurite/backend-cpu";
import * as conformance from "@neurite/backend-conformance";
import * as conformanceVitest from "@neurite/backend-conformance/vitest";
import * as webgpuBackend from "@neurite/backend-webgpu";
import * as dataLoaders from "@neurite/data-loaders";
import * as dataLoadersMnist from "@neurite/data-loaders/mnist";
import * as dataLoadersNode from "@neurite/data-loaders/node";
import * as layers from "@neurite/layers";
import * as losses from "@neurite/losses";
import * as optimizers from "@neurite/optimizers";
import * as tensorCore from "@neurite/tensor-core";
import * as trainer from "@neurite/trainer";
import * as trainerNode from "@neurite/trainer/node";
import { IDBFactory } from "fake-indexeddb";
import { create } from "webgpu";
import { afterAll, describe, expect, it } from "vitest";
import { docExamples } from "./doctests.js";
import { docsRoot } from "./pages.js";

// Where an unimported name is looked up: the example's own package first, then these in order.
const entryPoints: Record<string, Record<string, unknown>> = {
  "tensor-core": tensorCore,
  autograd,
  layers,
  losses,
  optimizers,
  "data-loaders": dataLoaders,
  trainer,
  "backend-cpu": backendCpu,
  "backend-webgpu": webgpuBackend,
  "backend-conformance": conformance,
  "backend-conformance/vitest": conformanceVitest,
  "data-loaders/node": dataLoadersNode,
  "data-loaders/mnist": dataLoadersMnist,
  "trainer/node": trainerNode,
};

// What a browser gives the examples written for one: navigator.gpu (Dawn on SwiftShader, the `webgpu`
// package; the GPU object stays referenced for the whole run) and IndexedDB (fake-indexeddb, a complete
// implementation in JavaScript). Node 20 has neither.
const gpu = create([]);
Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true });
Object.defineProperty(globalThis, "indexedDB", { value: new IDBFactory(), configurable: true });

const folder = join(docsRoot, ".doctests");
rmSync(folder, { recursive: true, force: true });
mkdirSync(folder, { recursive: true });
afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

/** The example as a module: its imports, imports of the other names it uses, then its body in a block. */
export function moduleFor(code: string, pkg: string): string {
  const importLines = code.split("\n").filter((line) => /^\s*import\s/.test(line));
  const body = code.split("\n").filter((line) => !/^\s*import\s/.test(line)).join("\n");
  const imported = new Set(importLines.flatMap((line) => [...(/\{([^}]*)\}/.exec(line)?.[1] ?? "").matchAll(/(?:type\s+)?(\w+)(?:\s+as\s+(\w+))?/g)].map((m) => m[2] ?? m[1]!)));
  // Names used as values or types, not as properties (`x.name`) or object keys (`name:`).
  const used = new Set([...body.replace(/\/\/.*$/gm, "").replace(/"[^"]*"|'[^']*'|`[^`]*`/g, "").matchAll(/(?<![.\w$])([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
  const order = [pkg, ...Object.keys(entryPoints).filter((p) => p !== pkg)];
  const auto = new Map<string, string[]>();
  for (const name of used) {
    if (imported.has(name)) continue;
    const from = order.find((p) => entryPoints[p] !== undefined && name in entryPoints[p]);
    if (from !== undefined) auto.set(from, [...(auto.get(from) ?? []), name]);
  }
  return [
    ...importLines,
    ...[...auto].map(([from, names]) => `import { ${names.join(", ")} } from "@neurite/${from}";`),
    `import { setBackend as __setBackend } from "@neurite/tensor-core";`,
    `import { cpu as __cpu } from "@neurite/backend-cpu";`,
    `await __setBackend(__cpu());`,
    "{",
    body,
    "}",
    "export {};",
  ].join("\n");
}

const examples = docExamples();
const write = (i: number, code: string, pkg: string): string => {
  const file = join(folder, `example-${i}.ts`);
  writeFileSync(file, moduleFor(code, pkg));
  return file;
};

// An example of a test file (it registers tests itself) runs where tests are registered: here.
describe("TSDoc examples that are test files", async () => {
  for (const [i, { code, pkg }] of examples.entries()) {
    if (/\bdescribe\w*\(/.test(code)) await import(write(i, code, pkg));
  }
});

describe("TSDoc examples", () => {
  it("there are examples to run", () => {
    expect(examples.length).toBeGreaterThan(50);
  });

  for (const [i, { where, code, pkg }] of examples.entries()) {
    if (/\bdescribe\w*\(/.test(code)) continue;
    it(where, async () => {
      await import(write(i, code, pkg));
    });
  }
});
