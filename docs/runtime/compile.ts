// Turns a sample's TypeScript into a function the worker can call: types are stripped and `import`s become
// calls to `require`, which the worker answers from the packages bundled into the site (no network).
import { transform } from "sucrase";

/** A compiled sample: call it with the module table; it resolves when the sample's last await is done. */
export type CompiledSample = (require: (specifier: string) => unknown) => Promise<void>;

// The constructor of async functions, so that a sample's top-level `await` is valid in its body.
const AsyncFunction = (Object.getPrototypeOf(async function () {
  await Promise.resolve();
}) as { constructor: new (...args: string[]) => (...args: unknown[]) => Promise<void> }).constructor;

/** Compiles a sample; a syntax error is thrown as a SyntaxError naming the line and column. */
export function compileSample(source: string, fileName = "sample.ts"): CompiledSample {
  const { code } = transform(source, { transforms: ["typescript", "imports"], filePath: fileName, production: true });
  const body = new AsyncFunction("require", "exports", "module", `${code}\n//# sourceURL=${fileName}`);
  return async (require) => {
    const module = { exports: {} };
    await body(require, module.exports, module);
  };
}
