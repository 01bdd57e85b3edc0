/**
 * Shared trunks in model sets: a member exported from another with only its head changed (as
 * `--freeze-convs` leaves it, through a second uint8 export) runs the common steps once, and the
 * set scores what it scores without sharing; one quantization step of difference is not shared.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { FerSetClassifier } from "../../src/classifier/set_classifier.ts";
import { withTempDir } from "../temp_dir.ts";
import { seededFace } from "./tiny_set.ts";
import { changeLayer, writeTrunkSet } from "./tiny_trunk_set.ts";

await useWasmBackend();

const FACES = [1, 2, 3, 4, 5].map(seededFace);

Deno.test("a member that changed only its head shares the trunk and scores as without sharing", async () => {
  await withTempDir("fer-trunk-", async (dir) => {
    const setDir = await writeTrunkSet(
      dir,
      (m) =>
        changeLayer(
          m,
          "scores",
          (w, i) => w.add(tf.randomNormal(w.shape, 0, 0.3, "float32", 7 + i)),
        ),
    );
    const shared = await loadClassifier(setDir, { warmUpBatches: [] });
    // Unfolded members run model.predict each: the reference without any sharing.
    const whole = await loadClassifier(setDir, { warmUpBatches: [], fold: false });
    try {
      assertOk(shared instanceof FerSetClassifier && whole instanceof FerSetClassifier);
      // conv + relu (fused), flatten | matMul, softmax: the first two steps are common.
      assertEquals([shared.sharedSteps, whole.sharedSteps], [2, 0]);
      const before = tf.memory().numTensors;
      for (const tta of ["none", "flip"] as const) {
        const got = await shared.probabilities(FACES, { tta });
        const expected = await whole.probabilities(FACES, { tta });
        expected.forEach((p, i) => assertAlmostEquals(got[i], p, 1e-5));
      }
      assertEquals(tf.memory().numTensors, before, "no tensors leak");
      // The members still differ: the mean is not one member's scores twice.
      const [a, b] = await Promise.all(
        shared.members.map((m) => m.classifier.probabilities(FACES)),
      );
      assertOk(a.some((p, i) => Math.abs(p - b[i]) > 1e-3), "the two members disagree");
    } finally {
      shared.dispose();
      whole.dispose();
    }
  });
});

Deno.test("one quantization step in the first layer is not shared", async () => {
  await withTempDir("fer-trunk-", async (dir) => {
    const setDir = await writeTrunkSet(dir, (m) =>
      changeLayer(m, "conv", (w, i) => {
        if (i !== 0) return w.clone();
        const values = w.dataSync().slice();
        const step = (Math.max(...values, 0) - Math.min(...values, 0)) / 255;
        values[0] += step;
        return tf.tensor(values, w.shape);
      }));
    const set = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      assertOk(set instanceof FerSetClassifier);
      assertEquals(set.sharedSteps, 0);
    } finally {
      set.dispose();
    }
  });
});
