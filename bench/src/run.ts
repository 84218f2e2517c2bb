import { execFile } from "node:child_process";
import { cpus, availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { bundleSizes } from "./bundle.js";

type BundleSizes = Awaited<ReturnType<typeof bundleSizes>>;
import { jaxWasm, neurite, tfjs, type ElementwiseOp, type KernelLibrary, type Layout, type ReduceAxis } from "./kernels.js";
import { mark, othersCores, spread, type Spread } from "./measure.js";
import { numpyInfo, openblasMatmul } from "./openblas.js";
import { formatTable, ratioToBestPeer, REFERENCE, type Row } from "./table.js";
import type { Task, TrainingLibrary, TrainingResult } from "./training.js";
import { cnnPlan, mlpPlan } from "./training.js";
import { versionOf } from "./versions.js";

export interface BenchOptions {
  /** The smoke mode CI runs: small sizes, few repeats. It checks that everything runs, not how fast. */
  readonly quick: boolean;
  /** Progress lines as each row finishes (default: none). */
  readonly log?: (line: string) => void;
  /** Only these sections (default: all), e.g. `pnpm bench --only=elementwise,mlp`. */
  readonly only?: readonly Section[] | undefined;
  /**
   * Where the training runs' child processes load Neurite from: its built packages (default; what a user
   * installs, and what `pnpm bench` builds first) or its TypeScript sources through tsx, which adds a
   * function-naming call per closure (the smoke test runs them on sources, which CI need not build).
   */
  readonly neurite?: "built" | "sources";
}

/** The benchmark's sections, as `--only` names them. */
const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

export const SECTIONS = ["matmul", "elementwise", "reduce", "mlp", "cnn", "bundle"] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchResult {
  readonly rows: readonly Row[];
  /** Machine, versions and the table, as printed by `pnpm bench`. */
  readonly text: string;
}

/** A figure of one run and the CPU seconds of any child process it started (not "other processes"). */
interface Sample {
  readonly value: number;
  readonly childSeconds?: number;
}

interface Contender {
  readonly name: string;
  readonly once: () => Promise<Sample>;
}

/**
 * Runs every contender `repeats` times, interleaved (A B C A B C …), so that a slow patch of a shared machine
 * hits all of them rather than one. A contender that throws is reported with its error instead of a figure.
 */
async function interleave(contenders: readonly Contender[], repeats: number): Promise<{ figures: Record<string, Spread | string>; others: Spread | null }> {
  const values = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  const failures = new Map<string, string>();
  const others: number[] = [];
  for (let r = 0; r < repeats; r++) {
    for (const c of contenders) {
      if (failures.has(c.name)) continue;
      const before = mark();
      try {
        const sample = await c.once();
        const busy = othersCores(before, mark(), sample.childSeconds ?? 0);
        if (busy !== null) others.push(busy);
        values.get(c.name)!.push(sample.value);
      } catch (error) {
        failures.set(c.name, `failed: ${firstLine(error)}`);
      }
    }
  }
  const figures: Record<string, Spread | string> = {};
  for (const c of contenders) figures[c.name] = failures.get(c.name) ?? spread(values.get(c.name)!);
  return { figures, others: others.length === 0 ? null : spread(others) };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 80) ?? "error";
}

/** Times `run` often enough that one sample lasts about `target` seconds; returns seconds per run. */
async function timed(run: () => Promise<void>, iterations: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) await run();
  return (performance.now() - start) / 1e3 / iterations;
}

async function calibrate(run: () => Promise<void>, target: number): Promise<number> {
  // A warm-up first: a first run that compiles a kernel (Neurite's Wasm, jax-js's) would otherwise set too
  // few iterations, and each sample would then be dominated by its first, cache-cold run.
  await timed(run, 1);
  const once = await timed(run, 3);
  return Math.max(1, Math.min(1000, Math.round(target / Math.max(once, 1e-6))));
}

async function kernelContenders(libraries: readonly KernelLibrary[], make: (lib: KernelLibrary) => Promise<() => Promise<void>>, figureOf: (seconds: number) => number, target: number): Promise<Contender[]> {
  const contenders: Contender[] = [];
  for (const lib of libraries) {
    try {
      const run = await make(lib);
      const iterations = await calibrate(run, target);
      contenders.push({ name: lib.name, once: async () => ({ value: figureOf(await timed(run, iterations)) }) });
    } catch (error) {
      const message = `failed: ${firstLine(error)}`;
      contenders.push({ name: lib.name, once: () => Promise.reject(new Error(message)) });
    }
  }
  return contenders;
}

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

/** One training run in a fresh Node process (see child.ts). */
async function trainInChild(task: Task, library: TrainingLibrary, quick: boolean, neurite: "built" | "sources"): Promise<TrainingResult & { maxRssMiB: number; cpuSeconds: number }> {
  const args = ["--import", "tsx", ...(neurite === "sources" ? ["--conditions=source"] : []), join(here, "child.ts"), task, library, quick ? "quick" : "full"];
  const { stdout } = await run(process.execPath, args, { cwd: join(here, ".."), maxBuffer: 16 << 20 }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    const reason = stderr.split("\n").find((l) => /^\s*\w*Error\b.{0,200}$/.test(l)) ?? firstLine(error);
    throw new Error(reason.trim());
  });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as TrainingResult & { maxRssMiB: number; cpuSeconds: number };
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const { quick } = options;
  const want = (section: Section) => options.only === undefined || options.only.includes(section);
  const log = options.log ?? (() => undefined);
  const rows: Row[] = [];
  const push = (row: Row) => {
    rows.push(row);
    log(`done: ${row.work}`);
  };

  // --- matmul and elementwise, in this process ---
  const n = quick ? 128 : 1024;
  const size = quick ? 1 << 14 : 1 << 20;
  const repeats = quick ? 2 : 7;
  const target = quick ? 0.005 : 0.25;
  const libraries: KernelLibrary[] = [neurite("neurite", {}), neurite("neurite-js", { kernels: "js" }), await tfjs("wasm"), await jaxWasm()];
  const openblas = numpyInfo() !== null;
  const cores = availableParallelism();
  const threaded = neurite(`neurite-${cores}t`, { threads: cores });
  for (const layout of want("matmul") ? (["A·B", "A·Bᵀ", "Aᵀ·B"] as Layout[]) : []) {
    const contenders = await kernelContenders([...libraries, threaded], (lib) => lib.matmul(n, layout), (s) => (2 * n ** 3) / s / 1e9, target);
    if (openblas) {
      for (const threads of [1, cores]) {
        contenders.push({
          name: threads === 1 ? REFERENCE : `${REFERENCE}-${threads}t`,
          once: () => {
            const { gflops, cpuSeconds } = openblasMatmul(n, layout, 1, threads);
            return Promise.resolve({ value: gflops[0]!, childSeconds: cpuSeconds });
          },
        });
      }
    }
    const result = await interleave(contenders, repeats);
    push({ work: `matmul ${n}² ${layout}`, unit: "GFLOP/s", higherIsBetter: true, ...result });
  }
  const elementwiseLibraries = [...libraries, await tfjs("cpu")];
  for (const op of want("elementwise") ? (["relu", "sigmoid", "add"] as ElementwiseOp[]) : []) {
    const bytes = size * 4 * (op === "add" ? 3 : 2);
    const contenders = await kernelContenders(elementwiseLibraries, (lib) => lib.elementwise(size, op), (s) => bytes / s / 1e9, target / 5);
    push({ work: `${op} on 2^${Math.log2(size)} floats`, unit: "GB/s", higherIsBetter: true, ...(await interleave(contenders, repeats)) });
  }

  // Sums as training runs them: a [batch·classes]-like matrix over its last axis, and a batch of gradients
  // over the batch axis (the bias gradient). GB/s of the matrix read.
  const [sumRows, sumCols] = quick ? [64, 256] : [1024, 1024];
  for (const axis of want("reduce") ? (["last", "first"] as ReduceAxis[]) : []) {
    const contenders = await kernelContenders(elementwiseLibraries, (lib) => lib.sum(sumRows, sumCols, axis), (s) => (sumRows * sumCols * 4) / s / 1e9, target / 5);
    push({ work: `sum of ${sumRows}×${sumCols} over the ${axis} axis`, unit: "GB/s", higherIsBetter: true, ...(await interleave(contenders, repeats)) });
  }

  // --- training, each run in its own process ---
  const accuracy: Record<string, number[]> = {};
  const rss: Record<string, number[]> = {};
  const training = (task: Task, library: TrainingLibrary, figure: (r: TrainingResult) => number): Contender => ({
    name: library,
    once: async () => {
      const result = await trainInChild(task, library, quick, options.neurite ?? "built");
      if (result.accuracy !== null) (accuracy[library] ??= []).push(result.accuracy);
      if (task === "mlp") (rss[library] ??= []).push(result.maxRssMiB);
      return { value: figure(result), childSeconds: result.cpuSeconds };
    },
  });
  const trainRepeats = quick ? 1 : 3;
  if (want("mlp")) {
    const mlp = mlpPlan(quick);
    // The smoke run starts fewer training processes: it only checks that each kind of row works.
    const mlpLibraries: TrainingLibrary[] = quick ? ["neurite", "tfjs-wasm"] : ["neurite", "neurite-js", "tfjs-wasm"];
    const mlpResult = await interleave(
      mlpLibraries.map((l) => training("mlp", l, (r) => r.samples / r.seconds)),
      trainRepeats,
    );
    const mlpWork = `MLP 784-128-64-10 Adam, batch ${mlp.batchSize}, ${mlp.trainSamples} digits × ${mlp.epochs} epochs (fit)`;
    push({ work: mlpWork, unit: "samples/s", higherIsBetter: true, ...mlpResult });
    const derived = (values: Record<string, number[]>): Record<string, Spread | string> => {
      const figures: Record<string, Spread | string> = {};
      for (const l of mlpLibraries) {
        const v = values[l];
        figures[l] = v === undefined || v.length === 0 ? (mlpResult.figures[l] as string) : spread(v);
      }
      return figures;
    };
    push({ work: `MLP test accuracy (${mlp.testSamples} digits)`, unit: "fraction", higherIsBetter: true, figures: derived(accuracy), others: mlpResult.others });
    push({ work: "MLP run peak memory (process maxRSS)", unit: "MiB", higherIsBetter: false, figures: derived(rss), others: mlpResult.others });

  }

  if (want("cnn")) {
    const cnn = cnnPlan(quick);
    const cnnLibraries: TrainingLibrary[] = quick ? ["neurite", "tfjs-cpu", "tfjs-wasm"] : ["neurite", "neurite-js", "tfjs-cpu", "tfjs-wasm"];
    const cnnResult = await interleave(
      cnnLibraries.map((l) => training("cnn", l, (r) => r.steps / r.seconds)),
      trainRepeats,
    );
    push({ work: `CNN step (conv 3×3×8, ReLU, max-pool 2, dense 10; batch ${cnn.batchSize}, Adam; ${cnn.trainSamples / cnn.batchSize} steps)`, unit: "steps/s", higherIsBetter: true, ...cnnResult });
  }

  // --- bundle size ---
  let sizes: BundleSizes | null = null;
  if (want("bundle")) {
    sizes = await bundleSizes();
    push({
      work: "MLP-on-CPU bundle, esbuild min+gzip (Wasm included; neurite: loaded up front)",
      unit: "KiB",
      higherIsBetter: false,
      figures: { neurite: spread([sizes.neurite.upFront / 1024]), "tfjs-wasm": spread([(sizes.tfjsJs + sizes.tfjsWasm) / 1024]) },
      others: null,
    });
  }

  const text = [header(quick, options.neurite ?? "built"), "", formatTable(rows), "", ...notes(rows, sizes)].join("\n");
  return { rows, text };
}

function header(quick: boolean, neurite: "built" | "sources"): string {
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  const versions = [
    `@tensorflow/tfjs-core ${versionOf("@tensorflow/tfjs-core")}`,
    `tfjs-backend-wasm ${versionOf("@tensorflow/tfjs-backend-wasm")} (SIMD, 1 thread in Node)`,
    `tfjs-backend-cpu ${versionOf("@tensorflow/tfjs-backend-cpu")}`,
    `tfjs-layers ${versionOf("@tensorflow/tfjs-layers")}`,
    `@jax-js/jax ${versionOf("@jax-js/jax")} (wasm device; 1 thread in Node, which has no global Worker)`,
    `${numpyInfo() ?? "numpy: not available"} (OPENBLAS_NUM_THREADS=1, and = cores for the -Nt column)`,
  ];
  return [
    `Neurite benchmark${quick ? " — QUICK SMOKE MODE (small sizes; figures are not comparable)" : ""}`,
    `machine: ${cpu}, ${availableParallelism()} cores; Node ${process.versions.node}; ${new Date().toISOString()}`,
    `neurite: ${neurite === "built" ? "its built packages (dist/, as installed from the registry)" : "its TypeScript sources through tsx"}`,
    `peers: ${versions.join("; ")}`,
    "brain.js: left out (its CPU path runs through gpu.js, whose native `gl` build this workspace does not allow; it has no conv layers or Adam)",
    "each cell: median (min–max) over interleaved repeats; 'other processes' is CPU used by the rest of the machine meanwhile (from /proc/stat)",
  ].join("\n");
}

function notes(rows: readonly Row[], sizes: BundleSizes | null): string[] {
  const lines: string[] = [];
  const matmul = rows.find((r) => r.work.startsWith("matmul") && r.work.endsWith("A·B"));
  const ours = matmul?.figures.neurite;
  const blas = matmul?.figures[REFERENCE];
  if (ours !== undefined && typeof ours !== "string" && blas !== undefined && typeof blas !== "string") {
    lines.push(`matmul A·B: neurite is ${((100 * ours.median) / blas.median).toFixed(0)}% of numpy+OpenBLAS at one thread`);
  }
  const cores = availableParallelism();
  const oursT = matmul?.figures[`neurite-${cores}t`];
  const blasT = matmul?.figures[`${REFERENCE}-${cores}t`];
  if (oursT !== undefined && typeof oursT !== "string" && blasT !== undefined && typeof blasT !== "string") {
    lines.push(`matmul A·B at ${cores} threads: neurite is ${((100 * oursT.median) / blasT.median).toFixed(0)}% of numpy+OpenBLAS`);
  }
  for (const layout of ["A·Bᵀ", "Aᵀ·B"]) {
    const row = rows.find((r) => r.work.startsWith("matmul") && r.work.endsWith(layout));
    const f = row?.figures.neurite;
    if (f !== undefined && typeof f !== "string" && ours !== undefined && typeof ours !== "string") lines.push(`matmul ${layout}: ${((100 * f.median) / ours.median).toFixed(0)}% of neurite's A·B`);
  }
  const mlp = rows.find((r) => r.work.startsWith("MLP 784"));
  const cnn = rows.find((r) => r.work.startsWith("CNN"));
  const mlpRatio = mlp === undefined ? null : ratioToBestPeer(mlp);
  if (mlpRatio !== null) lines.push(`MLP: neurite trains at ${mlpRatio.toFixed(2)}× tfjs-wasm's samples/s`);
  const cnnOurs = cnn?.figures.neurite;
  const mlpOurs = mlp?.figures.neurite;
  if (cnnOurs !== undefined && typeof cnnOurs !== "string" && mlpOurs !== undefined && typeof mlpOurs !== "string") {
    const cnnSamples = cnnOurs.median * 32;
    lines.push(`CNN vs MLP path (neurite): ${cnnSamples.toFixed(0)} vs ${mlpOurs.median.toFixed(0)} samples/s (${(cnnSamples / mlpOurs.median).toFixed(2)}×)`);
  }
  if (sizes !== null) lines.push(
      `bundle: neurite ${kib(sizes.neurite.upFront)} KiB up front + ${kib(sizes.neurite.onDemand)} KiB on demand; ` +
        `tfjs ${kib(sizes.tfjsJs)} KiB JS + ${kib(sizes.tfjsWasm)} KiB Wasm (gzipped)`,
    );
  return lines;
}
