// Neurite's webgpu backend against TensorFlow.js's, on the same GPU, in the same run, printing ratios.
//
//   pnpm --filter @neurite/backend-webgpu build && pnpm --filter @neurite/backend-webgpu bench
//
// Runs in Node through Dawn (the `webgpu` package); on a machine without a GPU, on SwiftShader, where the
// numbers measure a CPU emulation: compare the ratios, not the times. Each case runs `warmup` iterations per
// library (compiling pipelines, filling pools), then `rounds` rounds; a round times `iterations` iterations of
// each library back to back (alternating which goes first) and gives one ratio, so a machine whose load
// changes slows both sides of a ratio alike. Printed: median ms and the min / median / max of the ratios.
// `--quick` runs fewer, `--only=<part of a case name>` one case. Plain JavaScript: tfjs-core ships its own
// @webgpu/types, whose globals would clash with ours in a type-checked file.
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
const { valueAndGrad } = await import("@neurite/autograd");
const { adam } = await import("@neurite/optimizers");
const { webgpu } = await import("@neurite/backend-webgpu");
const tf = await import("@tensorflow/tfjs-core");
await import("@tensorflow/tfjs-backend-webgpu");
// tfjs-core alone registers no gradients; tfjs-layers' bundle registers them all (as `@tensorflow/tfjs` does).
await import("@tensorflow/tfjs-layers");

const neurite = await webgpu({ gpu });
await nt.setBackend(neurite);
if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not start its webgpu backend");
await tf.ready();

const quick = process.argv.includes("--quick");
const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
const warmup = quick ? 2 : 5;
const iterations = quick ? 5 : 10;
/** Timed rounds per case: each round times both libraries back to back, so a busy machine slows both alike. */
const rounds = quick ? 3 : 7;

function values(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/**
 * Milliseconds per iteration of `step` (which returns a tensor) over `count` iterations, with the GPU work
 * inside the timing: the queue drains before the clock starts and the last result is read back before it
 * stops (commands run in order, so that read waits for every iteration).
 */
async function time(side, count) {
  let last = side.step();
  await side.read(last);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    side.dispose(last);
    last = side.step();
  }
  await side.read(last);
  const ms = (performance.now() - start) / count;
  side.dispose(last);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Plain tensor cases: one op (or a short chain) on inputs of fixed shapes, the result disposed each step. */
function opCase(name, shapes, neurite, tfjs) {
  return {
    name,
    setup() {
      const data = shapes.map((s, k) => values(s.reduce((a, b) => a * b, 1), 17 + k));
      const ntInputs = data.map((v, k) => nt.tensor(v, { shape: shapes[k] }));
      const tfInputs = data.map((v, k) => tf.tensor(v, shapes[k]));
      return {
        neurite: { step: () => neurite(ntInputs), read: (t) => t.data(), dispose: (t) => t.dispose() },
        tfjs: { step: () => tfjs(tfInputs), read: (t) => t.data(), dispose: (t) => t.dispose() },
        teardown: () => {
          for (const t of [...ntInputs, ...tfInputs]) t.dispose();
        },
      };
    },
  };
}

/**
 * One training step of the 784-128-64-10 MLP (relu, relu, linear) with Adam on softmax cross-entropy, batch 64,
 * the same math on both sides from the same initial weights: Neurite's `valueAndGrad` + `optimizer.step`
 * (fused linear layers, the README's loop), tfjs's `optimizer.minimize` with `tf.fused.matMul` (what its
 * layers API runs).
 */
const mlpCase = {
  name: "MLP 784-128-64-10 Adam step, batch 64",
  setup() {
    const sizes = [784, 128, 64, 10];
    const batch = 64;
    const x = values(batch * 784, 3);
    const labels = new Float32Array(batch * 10);
    for (let i = 0; i < batch; i++) labels[i * 10 + ((i * 7) % 10)] = 1;
    const init = sizes.slice(1).map((n, l) => ({
      w: values(sizes[l] * n, 100 + l).map((v) => v * Math.sqrt(6 / (sizes[l] + n)) * 2),
      b: new Float32Array(n),
    }));
    const activations = ["relu", "relu", "linear"];

    const ntX = nt.tensor(x, { shape: [batch, 784] });
    const ntY = nt.tensor(labels, { shape: [batch, 10] });
    const ntParams = {};
    init.forEach(({ w, b }, l) => {
      ntParams[`w${l}`] = nt.variable(nt.tensor(w, { shape: [sizes[l], sizes[l + 1]] }));
      ntParams[`b${l}`] = nt.variable(nt.tensor(b, { shape: [sizes[l + 1]] }));
    });
    const ntLoss = (p) => {
      let h = ntX;
      for (let l = 0; l < 3; l++) h = nt.linear(h, p[`w${l}`].value, p[`b${l}`].value, activations[l]);
      return nt.mean(nt.neg(nt.sum(nt.mul(ntY, nt.logSoftmax(h, -1)), -1)));
    };
    const ntAdam = adam({ lr: 1e-3 });
    const ntStep = () => {
      const [loss, grads] = valueAndGrad(ntLoss)(ntParams);
      ntAdam.step(ntParams, grads);
      return loss;
    };

    const tfX = tf.tensor(x, [batch, 784]);
    const tfY = tf.tensor(labels, [batch, 10]);
    const tfVars = init.flatMap(({ w, b }, l) => [tf.variable(tf.tensor(w, [sizes[l], sizes[l + 1]])), tf.variable(tf.tensor(b, [sizes[l + 1]]))]);
    const tfAdam = tf.train.adam(1e-3);
    const tfLoss = () => {
      let h = tfX;
      for (let l = 0; l < 3; l++) {
        const activation = activations[l];
        h = tf.fused.matMul({ a: h, b: tfVars[2 * l], bias: tfVars[2 * l + 1], ...(activation === "linear" ? {} : { activation }) });
      }
      return tf.neg(tf.mean(tf.sum(tf.mul(tfY, tf.logSoftmax(h, -1)), -1)));
    };
    return {
      // The loss belongs to the parameters' gradients (freed with them at the next step), so it is not disposed here.
      neurite: { step: ntStep, read: (t) => t.data(), dispose: () => {} },
      tfjs: { step: () => tfAdam.minimize(tfLoss, true, tfVars), read: (t) => t.data(), dispose: (t) => t.dispose() },
      teardown: () => {
        for (const v of Object.values(ntParams)) v.dispose();
        ntX.dispose();
        ntY.dispose();
        tfAdam.dispose();
        for (const t of [tfX, tfY, ...tfVars]) t.dispose();
      },
    };
  },
};

const cases = [
  mlpCase,
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

console.log(
  `device: ${neurite.device.adapterInfo?.vendor ?? "?"} ${neurite.device.adapterInfo?.architecture ?? ""} ` +
    `(${warmup} warm-up, then ${rounds} rounds of ${iterations} timed iterations per library, alternating which goes first)`,
);
console.log("case".padEnd(40) + "neurite ms".padStart(12) + "tfjs ms".padStart(12) + "ratio min / median / max".padStart(28));
for (const c of cases) {
  if (only !== undefined && !c.name.includes(only)) continue;
  const { neurite: ours, tfjs: theirs, teardown } = (c.setup ? c : opCase(c.name, c.shapes, c.neurite, c.tfjs)).setup();
  await time(ours, warmup);
  await time(theirs, warmup);
  const ntMs = [];
  const tfMs = [];
  const ratios = [];
  for (let r = 0; r < rounds; r++) {
    let a;
    let b;
    if (r % 2 === 0) {
      a = await time(ours, iterations);
      b = await time(theirs, iterations);
    } else {
      b = await time(theirs, iterations);
      a = await time(ours, iterations);
    }
    ntMs.push(a);
    tfMs.push(b);
    ratios.push(a / b);
  }
  const ratio = [Math.min(...ratios), median(ratios), Math.max(...ratios)].map((v) => v.toFixed(2)).join(" / ");
  console.log(c.name.padEnd(40) + median(ntMs).toFixed(2).padStart(12) + median(tfMs).toFixed(2).padStart(12) + ratio.padStart(28));
  teardown();
}
console.log("ratio = neurite / tfjs per round (ms are medians): below 1 is faster than tfjs-backend-webgpu");
neurite.dispose();
process.exit(0);
