import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { withTempDir } from "../temp_dir.ts";
import { loadLayersModelDir, readModelMetadata, saveModelDir } from "../../src/model/io.ts";
import { encodeWeight, float32ToFloat16Bits } from "../../src/model/quantize.ts";

function tinyModel(): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 1] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: "relu" }).apply(input);
  const flat = tf.layers.flatten().apply(conv);
  const out = tf.layers.dense({ units: 7, activation: "softmax" }).apply(flat) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

Deno.test("uint8 quantization keeps zero exact and error within half a step", () => {
  const values = new Float32Array([-1, -0.5, 0, 0.25, 2]);
  const { spec, bytes } = encodeWeight("w", [5], values, "uint8");
  const q = spec.quantization!;
  assertEquals(q.dtype, "uint8");
  for (let i = 0; i < values.length; i++) {
    const restored = bytes[i] * q.scale! + q.min!;
    assertAlmostEquals(restored, values[i], q.scale! / 2 + 1e-7);
  }
  assertEquals(bytes[2] * q.scale! + q.min!, 0);
});

Deno.test("float16 bits match known encodings", () => {
  assertEquals(float32ToFloat16Bits(1), 0x3c00);
  assertEquals(float32ToFloat16Bits(-2), 0xc000);
  assertEquals(float32ToFloat16Bits(65504), 0x7bff);
  assertEquals(float32ToFloat16Bits(1e6), 0x7c00);
  assertEquals(float32ToFloat16Bits(2 ** -24), 0x0001);
  assertEquals(float32ToFloat16Bits(0.1), 0x2e66);
});

for (const quantization of ["none", "float16", "uint8"] as const) {
  Deno.test(`save -> load round trip (${quantization}) predicts the same`, async () => {
    const dir = await Deno.makeTempDir();
    try {
      const model = tinyModel();
      const x = tf.randomUniform([4, 8, 8, 1], 0, 1, "float32", 7);
      const expected = model.predict(x) as tf.Tensor;
      const size = await saveModelDir(model, dir, quantization);
      assertOk(size > 0);
      const loaded = await loadLayersModelDir(dir);
      const actual = loaded.predict(x) as tf.Tensor;
      const maxDiff = tf.max(tf.abs(tf.sub(actual, expected))).dataSync()[0];
      const tolerance = quantization === "none" ? 1e-6 : quantization === "float16" ? 1e-3 : 0.05;
      assertOk(maxDiff <= tolerance, `max diff ${maxDiff} > ${tolerance}`);
      tf.dispose([x, expected, actual]);
      model.dispose();
      loaded.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}

Deno.test("a folder without model.json, weights or fer-model.json is named as not a model", async () => {
  await withTempDir("fer-io-", async (dir) => {
    const lacking = async (name: string, load: () => Promise<unknown>) => {
      const error = await assertThrows(
        load,
        `${dir} is not an exported model folder: it has no ${name}`,
      );
      assertOk(error instanceof Deno.errors.NotFound, "still a NotFound for callers that catch it");
    };
    await lacking("model.json", () => loadLayersModelDir(dir));
    await lacking("fer-model.json", () => readModelMetadata(dir));
    const model = tinyModel();
    await saveModelDir(model, dir, "none");
    model.dispose();
    await Deno.remove(join(dir, "weights.bin"));
    await lacking("weights.bin", () => loadLayersModelDir(dir));
  });
});
