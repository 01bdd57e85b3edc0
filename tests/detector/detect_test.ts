import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import * as tf from "@tensorflow/tfjs";
import { createFaceDetector, type DetectedFace } from "../../src/detector/mod.ts";
import { decodeImage, type RgbaImage } from "../../src/image/decode.ts";
import { cropFaceGray48 } from "../../src/image/crop.ts";

const fixture = async (name: string) =>
  await decodeImage(await Deno.readFile(new URL(`../fixtures/photos/${name}`, import.meta.url)));

/** Rough face check: boxes sit in the upper half, are face-sized, and keypoints lie inside. */
function plausible(faces: DetectedFace[], image: RgbaImage): void {
  for (const { box, keypoints, score } of faces) {
    assertOk(score >= 0.6 && score <= 1, `score ${score}`);
    assertOk(box.width > image.width / 20 && box.width < image.width / 3, `width ${box.width}`);
    assertOk(box.y + box.height / 2 < image.height / 2, `face centre y ${box.y + box.height / 2}`);
    assertEquals(keypoints.length, 6);
    const [rightEye, leftEye] = keypoints;
    for (const p of [rightEye, leftEye]) {
      assertOk(p.x > box.x && p.x < box.x + box.width && p.y > box.y && p.y < box.y + box.height);
    }
  }
}

Deno.test("finds the 3 faces in each group fixture, with no false positives", async () => {
  const detector = await createFaceDetector();
  try {
    for (const name of ["group1.jpg", "group2.jpg"]) {
      const image = await fixture(name);
      const faces = await detector.detect(image);
      assertEquals(faces.length, 3, `${name}: ${faces.map((f) => f.score.toFixed(2))}`);
      plausible(faces, image);
      // Sorted by score, left-to-right distinct faces.
      assertOk(faces[0].score >= faces[1].score && faces[1].score >= faces[2].score);
      const xs = faces.map((f) => f.box.x).sort((a, b) => a - b);
      assertOk(xs[1] - xs[0] > faces[0].box.width && xs[2] - xs[1] > faces[0].box.width);
      const crop = cropFaceGray48(image, faces[0].box);
      assertEquals(crop.length, 2304);
    }
  } finally {
    detector.dispose();
  }
});

Deno.test("the whole-image-only baseline misses the profile face that tiling finds", async () => {
  const detector = await createFaceDetector({ tiling: { tileFraction: 0 } });
  try {
    assertEquals((await detector.detect(await fixture("group2.jpg"))).length, 2);
  } finally {
    detector.dispose();
  }
});

Deno.test("a blank frame has no faces; bad options and disposed detectors throw", async () => {
  const detector = await createFaceDetector({ model: "short" });
  const blank = { width: 640, height: 480, data: new Uint8ClampedArray(640 * 480 * 4).fill(128) };
  assertEquals(await detector.detect(blank), []);
  detector.dispose();
  await assertThrows(() => detector.detect(blank), "disposed");
  await assertThrows(() => createFaceDetector({ minScore: 1.5 }), "minScore");
  await assertThrows(
    () => createFaceDetector({ modelUrl: new URL("file:///nonexistent/model.tflite") }),
    "build:detector",
  );
});

Deno.test("detection and dispose leave no tfjs tensors behind", async () => {
  const start = tf.memory().numTensors;
  const detector = await createFaceDetector();
  const loaded = tf.memory().numTensors;
  assertOk(loaded - start > 100, `only ${loaded - start} weight tensors`);
  await detector.detect({ width: 800, height: 600, data: new Uint8ClampedArray(800 * 600 * 4) });
  assertEquals(tf.memory().numTensors, loaded);
  detector.dispose();
  assertEquals(tf.memory().numTensors, start);
});
