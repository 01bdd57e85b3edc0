import * as tf from "@tensorflow/tfjs";
import { assertEquals, assertOk } from "../../assert.ts";
import { checkWasmTraining } from "../../../training/engine/mod.ts";
import { ALL_LAYERS_INPUT, allLayersBatch, buildAllLayersModel } from "./all_layers_model.ts";
import { seededValues, setupWasmTraining } from "./harness.ts";

await setupWasmTraining();

const BATCH = 8;
const pixels = seededValues(BATCH * ALL_LAYERS_INPUT * ALL_LAYERS_INPUT, 42);

function optimizer(name: string): tf.Optimizer {
  switch (name) {
    case "sgd":
      return tf.train.sgd(0.05);
    case "momentum":
      return tf.train.momentum(0.05, 0.9);
    case "rmsprop":
      return tf.train.rmsprop(0.01);
    case "adagrad":
      return tf.train.adagrad(0.05);
    case "adadelta":
      return tf.train.adadelta(1);
    default:
      return tf.train.adam(0.01);
  }
}

const OPTIMIZERS = ["adam", "sgd", "momentum", "rmsprop", "adagrad", "adadelta"];

Deno.test("every layer type trains on wasm with every optimizer, with no kernel missing", async () => {
  const { xs, ys } = allLayersBatch(BATCH, pixels);
  for (const name of OPTIMIZERS) {
    const model = buildAllLayersModel();
    model.compile({ optimizer: optimizer(name), loss: "categoricalCrossentropy" });
    const check = await checkWasmTraining(model, xs, ys);
    assertEquals(check.missing, [], `${name}: ${check.error}`);
    assertOk(check.ok, name);
    for (
      const k of ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "MaxPoolGrad"]
    ) {
      assertOk(check.kernels.includes(k), `${name} step did not run ${k}`);
    }
    model.dispose();
  }
  tf.dispose([xs, ys]);
});

Deno.test("checkWasmTraining names a kernel that wasm lacks", async () => {
  const { xs, ys } = allLayersBatch(BATCH, pixels);
  const model = buildAllLayersModel();
  model.compile({ optimizer: "sgd", loss: "categoricalCrossentropy" });
  const kernel = tf.getKernel("Conv2DBackpropFilter", "wasm")!;
  tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  try {
    const check = await checkWasmTraining(model, xs, ys);
    assertEquals(check.ok, false);
    assertEquals(check.missing, ["Conv2DBackpropFilter"]);
  } finally {
    tf.registerKernel(kernel);
    model.dispose();
    tf.dispose([xs, ys]);
  }
});

/** Losses of `steps` training steps on `backend` from the seeded initial weights. */
async function lossCurve(backend: "cpu" | "wasm", steps: number, name: string): Promise<number[]> {
  await tf.setBackend(backend);
  try {
    const model = buildAllLayersModel(0);
    model.compile({ optimizer: optimizer(name), loss: "categoricalCrossentropy" });
    const { xs, ys } = allLayersBatch(BATCH, pixels);
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push(await model.trainOnBatch(xs, ys) as number);
    model.dispose();
    tf.dispose([xs, ys]);
    return losses;
  } finally {
    await tf.setBackend("wasm");
  }
}

Deno.test("a few steps on wasm and on cpu from the same weights give the same loss curve", async () => {
  for (const name of ["sgd", "adam"]) {
    const cpu = await lossCurve("cpu", 6, name);
    const wasm = await lossCurve("wasm", 6, name);
    assertOk(cpu[5] < cpu[0], `${name}: loss did not fall on cpu: ${cpu}`);
    for (let i = 0; i < cpu.length; i++) {
      const rel = Math.abs(wasm[i] - cpu[i]) / Math.abs(cpu[i]);
      assertOk(rel < 1e-3, `${name} step ${i}: wasm ${wasm} vs cpu ${cpu}`);
    }
  }
});

Deno.test("training on wasm is deterministic for a seed", async () => {
  const first = await lossCurve("wasm", 4, "adam");
  const second = await lossCurve("wasm", 4, "adam");
  assertEquals(second, first);
});

Deno.test("no tensor leaks: numTensors is the same after step 10 and step 100", async () => {
  const { xs, ys } = allLayersBatch(BATCH, pixels);
  const model = buildAllLayersModel();
  model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
  let atTen = -1;
  for (let step = 1; step <= 100; step++) {
    await model.trainOnBatch(xs, ys);
    if (step === 10) atTen = tf.memory().numTensors;
  }
  assertEquals(tf.memory().numTensors, atTen);
  model.dispose();
  tf.dispose([xs, ys]);
});
