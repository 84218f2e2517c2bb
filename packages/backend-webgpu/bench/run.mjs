// Neurite's webgpu backend against TensorFlow.js's, on the same GPU, in the same run, printing ratios.
//
//   pnpm --filter @neurite/backend-webgpu build && pnpm --filter @neurite/backend-webgpu bench
//
// Runs in Node through Dawn (the `webgpu` package); on a machine without a GPU, on SwiftShader, where the
// numbers measure a CPU emulation: compare the ratios, not the times. Each case runs `warmup` iterations
// (compiling pipelines, filling pools), then `iterations` timed ones, and reads the last result back so the
// GPU work is inside the timing. Plain JavaScript: tfjs-core ships its own @webgpu/types, whose globals would
// clash with ours in a type-checked file.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.VK_ICD_FILENAMES ??= "/usr/lib/chromium/vk_swiftshader_icd.json";
process.env.XDG_RUNTIME_DIR ??= mkdtempSync(join(tmpdir(), "xdg-"));

const { create, globals } = await import("webgpu");
Object.assign(globalThis, globals);
const gpu = create([]);
// tfjs-backend-webgpu registers itself at import time if navigator.gpu exists.
Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true });

const nt = await import("@neurite/tensor-core");
const { webgpu } = await import("@neurite/backend-webgpu");
const tf = await import("@tensorflow/tfjs-core");
await import("@tensorflow/tfjs-backend-webgpu");

const neurite = await webgpu({ gpu });
await nt.setBackend(neurite);
if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not start its webgpu backend");
await tf.ready();

const quick = process.argv.includes("--quick");
const warmup = quick ? 2 : 5;
const iterations = quick ? 5 : 20;

function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** Milliseconds per iteration of `step` (which returns a tensor), read back at the end. */
async function time(step, read, dispose) {
  let last;
  for (let i = 0; i < warmup + iterations; i++) {
    if (i === warmup) {
      await read(last);
      var start = performance.now();
    }
    if (last !== undefined) dispose(last);
    last = step();
  }
  await read(last);
  const ms = (performance.now() - start) / iterations;
  dispose(last);
  return ms;
}

const cases = [
  {
    name: "matmul 256×256 · 256×256",
    shapes: [[256, 256], [256, 256]],
    neurite: ([a, b]) => nt.matmul(a, b),
    tfjs: ([a, b]) => tf.matMul(a, b),
  },
  {
    name: "matmul 64×1024 · 1024×256 (bᵀ)",
    shapes: [[64, 1024], [256, 1024]],
    neurite: ([a, b]) => nt.matmul(a, b, { transposeB: true }),
    tfjs: ([a, b]) => tf.matMul(a, b, false, true),
  },
  {
    name: "dense relu 128×256 · 256×256 + bias",
    shapes: [[128, 256], [256, 256], [256]],
    neurite: ([x, w, b]) => nt.linear(x, w, b, "relu"),
    tfjs: ([x, w, b]) => tf.tidy(() => tf.relu(tf.add(tf.matMul(x, w), b))),
  },
  {
    name: "add + relu, 1M elements",
    shapes: [[1024, 1024], [1024, 1024]],
    neurite: ([a, b]) => nt.tidy(() => nt.relu(nt.add(a, b))),
    tfjs: ([a, b]) => tf.tidy(() => tf.relu(tf.add(a, b))),
  },
  {
    // The same chain declared as one elementwise program (one kernel; tfjs runs two).
    name: "add + relu as one program (fuse), 1M",
    shapes: [[1024, 1024], [1024, 1024]],
    neurite: ([a, b]) =>
      nt.fuse("addRelu", [a, b], (p, x, y) => {
        const s = p.binary("add", x, y);
        return p.where(p.binary("greater", s, 0), s, 0);
      }),
    tfjs: ([a, b]) => tf.tidy(() => tf.relu(tf.add(a, b))),
  },
  {
    name: "broadcast mul [1024,1024]·[1024]",
    shapes: [[1024, 1024], [1024]],
    neurite: ([a, b]) => nt.mul(a, b),
    tfjs: ([a, b]) => tf.mul(a, b),
  },
  {
    name: "sum of 1M elements",
    shapes: [[1 << 20]],
    neurite: ([a]) => nt.sum(a),
    tfjs: ([a]) => tf.sum(a),
  },
  {
    name: "row sums [1024, 1024]",
    shapes: [[1024, 1024]],
    neurite: ([a]) => nt.sum(a, 1),
    tfjs: ([a]) => tf.sum(a, 1),
  },
  {
    name: "softmax [256, 1000]",
    shapes: [[256, 1000]],
    neurite: ([a]) => nt.softmax(a),
    tfjs: ([a]) => tf.softmax(a),
  },
  {
    name: "transpose [512, 1024]",
    shapes: [[512, 1024]],
    neurite: ([a]) => nt.transpose(a),
    tfjs: ([a]) => tf.transpose(a),
  },
];

console.log(`device: ${neurite.device.adapterInfo?.vendor ?? "?"} ${neurite.device.adapterInfo?.architecture ?? ""} (${warmup} warm-up, ${iterations} timed iterations)`);
console.log("case".padEnd(40) + "neurite ms".padStart(12) + "tfjs ms".padStart(12) + "ratio".padStart(8));
for (const c of cases) {
  const data = c.shapes.map((s, k) => values(s.reduce((a, b) => a * b, 1), 17 + k));
  const ntInputs = data.map((v, k) => nt.tensor(v, { shape: c.shapes[k] }));
  const tfInputs = data.map((v, k) => tf.tensor(v, c.shapes[k]));
  const ntMs = await time(() => c.neurite(ntInputs), (t) => t.data(), (t) => t.dispose());
  const tfMs = await time(() => c.tfjs(tfInputs), (t) => t.data(), (t) => t.dispose());
  console.log(c.name.padEnd(40) + ntMs.toFixed(2).padStart(12) + tfMs.toFixed(2).padStart(12) + (ntMs / tfMs).toFixed(2).padStart(8));
  for (const t of [...ntInputs, ...tfInputs]) t.dispose();
}
console.log("ratio = neurite / tfjs: below 1 is faster than tfjs-backend-webgpu");
neurite.dispose();
process.exit(0);
