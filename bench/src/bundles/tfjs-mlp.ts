// The same MLP for TensorFlow.js on its Wasm backend, for the bundle-size comparison (its .wasm file is
// counted separately, as the browser fetches it).
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { layers, sequential } from "@tensorflow/tfjs-layers";

export async function trainMlp(steps: number): Promise<number> {
  await tf.setBackend("wasm");
  const model = sequential({ layers: [layers.dense({ inputShape: [784], units: 128, activation: "relu" }), layers.dense({ units: 64, activation: "relu" }), layers.dense({ units: 10 })] });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.randomUniform([64, 784]);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: 64 }, (_, i) => i % 10), "int32"), 10);
  const history = await model.fit(x, y, { epochs: steps, batchSize: 64 });
  return history.history.loss!.at(-1) as number;
}
