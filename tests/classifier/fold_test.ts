import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { compileInference } from "../../src/classifier/fold.ts";
import { FerClassifier } from "../../src/classifier/classifier.ts";
import { tinyFerModel, tinyMetadata } from "./tiny_model.ts";

await useWasmBackend();

/** A model using every planned layer kind, with non-trivial batch-norm statistics. */
function blockModel(): tf.LayersModel {
  const seed = (n: number) => tf.initializers.glorotUniform({ seed: n });
  const input = tf.input({ shape: [12, 12, 1] });
  let x = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    useBias: false,
    kernelInitializer: seed(1),
  }).apply(input);
  x = tf.layers.batchNormalization().apply(x);
  x = tf.layers.activation({ activation: "relu" }).apply(x);
  x = tf.layers.maxPooling2d({ poolSize: 2 }).apply(x);
  x = tf.layers.conv2d({
    filters: 6,
    kernelSize: 3,
    activation: "relu",
    kernelInitializer: seed(2),
    biasInitializer: "ones",
  }).apply(x);
  x = tf.layers.batchNormalization({ axis: 3 }).apply(x); // after ReLU: cannot fold, runs alone
  x = tf.layers.averagePooling2d({ poolSize: 2 }).apply(x);
  x = tf.layers.flatten().apply(x);
  x = tf.layers.dropout({ rate: 0.5 }).apply(x);
  x = tf.layers.dense({ units: 5, kernelInitializer: seed(3) }).apply(x);
  x = tf.layers.batchNormalization({ center: false }).apply(x);
  x = tf.layers.activation({ activation: "tanh" }).apply(x);
  const out = tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: seed(4) })
    .apply(x);
  const model = tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
  // Random moving statistics, gammas and betas so folding has something to get wrong.
  let k = 10;
  for (const layer of model.layers.filter((l) => l.getClassName() === "BatchNormalization")) {
    layer.setWeights(
      layer.getWeights().map((w, i, all) =>
        tf.tidy(() => {
          const r = tf.randomUniform(w.shape, 0, 1, "float32", k++);
          return i === all.length - 1 ? tf.add(r, 0.2) : tf.sub(tf.mul(r, 2), 1); // variance > 0
        })
      ),
    );
  }
  return model;
}

Deno.test("the folded plan matches model.predict on a model with every supported layer", () => {
  const model = blockModel();
  const plan = compileInference(model);
  try {
    assertOk(plan, "the model is a supported chain");
    assertEquals(plan.foldedBatchNorms, 2, "conv->BN and dense->BN fold; BN after ReLU does not");
    const x = tf.randomUniform([5, 12, 12, 1], 0, 1, "float32", 99) as tf.Tensor4D;
    const [expected, actual] = tf.tidy(() => [model.predict(x) as tf.Tensor, plan.run(x)]);
    const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(expected, actual))).dataSync()[0]);
    assertOk(diff < 1e-5, `max difference ${diff}`);
    assertEquals(actual.shape, [5, 3]);
    tf.dispose([x, expected, actual]);
  } finally {
    plan?.dispose();
    model.dispose();
  }
});

Deno.test("branching models get no plan and the classifier falls back to model.predict", () => {
  const input = tf.input({ shape: [48, 48, 1] });
  const a = tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: "same" }).apply(input);
  const b = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input);
  const joined = tf.layers.concatenate().apply([a, b] as tf.SymbolicTensor[]);
  const flat = tf.layers.flatten().apply(joined);
  const out = tf.layers.dense({ units: 7, activation: "softmax" }).apply(flat) as tf.SymbolicTensor;
  const branching = tf.model({ inputs: input, outputs: out });
  const meta = { ...tinyMetadata(), quantization: "none" as const, sizeBytes: 1 };
  const before = tf.memory().numTensors;
  assertEquals(compileInference(branching), undefined);
  assertEquals(tf.memory().numTensors, before, "a refused plan frees what it built");
  const fallback = new FerClassifier(branching, meta);
  const folded = new FerClassifier(tinyFerModel(), meta);
  assertEquals([fallback.inference, folded.inference], ["layers", "folded"]);
  fallback.dispose();
  folded.dispose();
});
