import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../../assert.ts";
import { relativeError, seededValues, setupWasmTraining } from "./harness.ts";

await setupWasmTraining();

/** Gradients of a training-mode batch-norm (moments, then tf.batchNorm) w.r.t. x, gamma, beta. */
async function batchNormGrads(
  backend: "cpu" | "wasm",
  shape: number[],
  withScale: boolean,
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  try {
    const size = shape.reduce((a, b) => a * b, 1);
    const c = shape[shape.length - 1];
    const x = tf.tensor(seededValues(size, 11), shape);
    const gamma = tf.tensor1d(seededValues(c, 12).map((v) => 1 + v / 2));
    const beta = tf.tensor1d(seededValues(c, 13));
    const weights = tf.tensor(seededValues(size, 14), shape);
    const axes = shape.slice(0, -1).map((_, i) => i);
    const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xi, axes);
      const y = tf.batchNorm(xi, mean, variance, b, withScale ? g : undefined, 1e-3);
      return y.mul(weights).sum();
    };
    const grads = tf.grads(f)([x, gamma, beta]);
    const values = await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>));
    tf.dispose([x, gamma, beta, weights, ...grads]);
    return values;
  } finally {
    await tf.setBackend("wasm");
  }
}

// Without a scale tensor tfjs-core 4.22 cannot record batch-norm on a gradient tape at all (it tries
// to save the missing input), so only the with-scale case is testable.
Deno.test("batch-norm gradients on wasm match cpu (conv and dense layouts)", async () => {
  const failures: string[] = [];
  for (const shape of [[4, 6, 6, 3], [2, 5, 5, 32], [16, 24]]) {
    for (const withScale of [true]) {
      const reference = await batchNormGrads("cpu", shape, withScale);
      const actual = await batchNormGrads("wasm", shape, withScale);
      reference.forEach((ref, i) => {
        const err = relativeError(actual[i], ref);
        if (!(err <= 1e-4)) failures.push(`${shape} scale=${withScale} grad ${i}: ${err}`);
      });
    }
  }
  assertEquals(failures, []);
});

Deno.test("batch-norm gradient override leaves cpu on tfjs-core's gradient", async () => {
  const a = await batchNormGrads("cpu", [2, 3, 3, 4], true);
  const b = await batchNormGrads("cpu", [2, 3, 3, 4], true);
  assertOk(a.every((g, i) => relativeError(g, b[i]) === 0));
});
