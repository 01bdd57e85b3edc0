import * as tf from "@tensorflow/tfjs";
import { assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";
import {
  type ImageTargets,
  TargetList,
  type TargetSource,
} from "../../../training/loop/targets.ts";
import { cachedTeacher } from "../../../training/targets/distill.ts";
import { ferPlusTargets } from "../../../training/targets/ferplus.ts";
import { useWasmTraining } from "../tiny_training.ts";

/** Two images of three classes, one-hot: labels 0 and 2. */
function oneHot(): ImageTargets {
  return { targets: Float32Array.of(1, 0, 0, 0, 0, 1), labels: Uint8Array.of(0, 2) };
}

Deno.test("a target list takes one source per slot, refused when it is made", async () => {
  const votes = ferPlusTargets(new Float32Array(6), new Float32Array(6));
  const teacher = cachedTeacher(new Float32Array(6), 0.5);
  const batch: TargetSource = { name: "another teacher", slot: "teacher", batchTargets: (t) => t };
  assertEquals(new TargetList([teacher, votes]).describe(), "FER+ votes + teacher scores");
  assertEquals(new TargetList().describe(), "labels");
  await assertThrows(
    () => new TargetList([teacher, batch]),
    "a run takes one teacher source, got teacher scores and another teacher",
  );
  await assertThrows(() => new TargetList([votes, votes]), "one labels source");
});

Deno.test("per-image targets: what replaces the labels applies first, whatever the list order", () => {
  // FER+ votes replace the labels (top class 1 and 0), then the teacher takes half of each target.
  const votes = ferPlusTargets(Float32Array.of(0.2, 0.7, 0.1, 0.5, 0.2, 0.3), new Float32Array(6));
  const teacher = cachedTeacher(Float32Array.of(0, 0, 1, 0, 0, 1), 0.5);
  const mixed = new TargetList([teacher, votes]).imageTargets(oneHot(), "train");
  assertEquals(Array.from(mixed.labels), [1, 0]);
  const expected = [0.1, 0.35, 0.55, 0.25, 0.1, 0.65];
  expected.forEach((v, i) => assertAlmostEquals(mixed.targets[i], v, 1e-6));
  // Validation images get the votes, not the teacher (it scored the training images only).
  const val = new TargetList([teacher, votes]).imageTargets(oneHot(), "val");
  assertEquals(Array.from(val.targets), [0, 0, 0, 0, 0, 0]);
  // No sources: the labels as they are.
  const plain = oneHot();
  assertEquals(new TargetList().imageTargets(plain, "train"), plain);
});

Deno.test("per-batch targets: each source's answer feeds the next, and intermediates are freed", async () => {
  await useWasmTraining();
  const halfway = (name: string, to: number): TargetSource => ({
    name,
    slot: name === "votes" ? "labels" : "teacher",
    batchTargets: (before) => tf.tidy(() => tf.add(tf.mul(before, 0.5), to * 0.5)),
  });
  const list = new TargetList([halfway("teacher", 1), halfway("votes", 0)]);
  const start = tf.tensor2d([[1, 0]]);
  const tensors = tf.memory().numTensors;
  const out = list.batchTargets(start, []);
  // votes (labels slot) first: [0.5, 0]; then the teacher: [0.75, 0.5].
  assertEquals(Array.from(out.dataSync()), [0.75, 0.5]);
  assertEquals(tf.memory().numTensors, tensors + 1, "only the result is left");
  tf.dispose([start, out]);
  // Without batch sources the drawn targets are passed on as they are.
  const same = tf.tensor2d([[1, 0]]);
  assertEquals(
    new TargetList([cachedTeacher(new Float32Array(2), 1)]).batchTargets(same, []),
    same,
  );
  same.dispose();
});

Deno.test("FER+ targets refuse distributions that do not line up with the images", async () => {
  const votes = ferPlusTargets(new Float32Array(9), new Float32Array(6));
  await assertThrows(() => votes.imageTargets!(oneHot(), "train"), "FER+ targets have 9 values");
  assertEquals(votes.imageTargets!(oneHot(), "val").targets.length, 6);
});
