import { baseContractOnly } from "@neurite/backend-conformance";
import { describeConformance } from "@neurite/backend-conformance/vitest";
import { cpu } from "./index.js";

/**
/**
 * The conformance kit on every CPU path — the WebAssembly SIMD kernels (what `cpu()` picks in Node), the plain
 * TypeScript ones (`kernels: "js"`, what runs where Wasm SIMD is missing), two threads, and the base contract
 * alone (no `elementwise` program capability, no fused kernels: the op layer expands programs and composes fused
 * ops from the 16 kernel methods — the path every third-party backend written to the base contract takes).
 * Every case, no expected failures. A backend that cannot pass a case lists it in `expectedFailures` with the
 * reason; the kit fails the suite if a listed case starts passing.
 */
describeConformance("cpu (wasm)", () => cpu({ kernels: "wasm" }));
describeConformance("cpu (js)", () => cpu({ kernels: "js" }));
// Two threads: a shared Wasm memory and a worker (the kit's products are too small to be split; the threaded
// split itself is checked in wasm/threads.test.ts).
describeConformance("cpu (wasm, 2 threads)", () => cpu({ kernels: "wasm", threads: 2 }));
describeConformance("cpu (js), base contract only", () => baseContractOnly(cpu({ kernels: "js" })));
