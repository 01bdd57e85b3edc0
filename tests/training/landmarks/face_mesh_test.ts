import { useWasmBackend } from "../../../src/backend.ts";
import { loadFerCsvSplits } from "../../../training/data/load.ts";
import { createFeatureExtractor } from "../../../training/data/features.ts";
import { FaceMeshLandmarker, PRESENCE_THRESHOLD } from "../../../training/landmarks/face_mesh.ts";
import {
  createLandmarkFeatureExtractor,
  landmarkSummary,
} from "../../../training/landmarks/feature.ts";
import { contourSubset } from "../../../training/landmarks/subset.ts";
import faceMesh from "@mediapipe/face_mesh";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const FIXTURE = new URL("../../fixtures/fer2013_sample.csv.gz", import.meta.url).pathname;
const SIZE = 48;
const PIXELS = SIZE * SIZE;

await useWasmBackend();
const fixture = (await loadFerCsvSplits(FIXTURE)).splits.Training!;
const landmarker = await FaceMeshLandmarker.load();
const FACES = 24;
const results = landmarker.detect(fixture.images.subarray(0, FACES * PIXELS), SIZE, FACES);

function flipped(image: Uint8Array): Uint8Array {
  const out = new Uint8Array(PIXELS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) out[y * SIZE + x] = image[y * SIZE + SIZE - 1 - x];
  }
  return out;
}

function centroid(points: Float32Array, connections: number[][]): [number, number] {
  const ids = [...new Set(connections.flat())];
  let x = 0, y = 0;
  for (const i of ids) {
    x += points[3 * i];
    y += points[3 * i + 1];
  }
  return [x / ids.length, y / ids.length];
}

Deno.test("face mesh finds a face in most FER2013 fixture images, with points inside the image", () => {
  const present = results.filter((r) => r.presence >= PRESENCE_THRESHOLD).length;
  assertOk(present >= FACES * 0.8, `only ${present} of ${FACES} faces found`);
  for (const { points, presence } of results) {
    if (presence < PRESENCE_THRESHOLD) continue;
    for (let p = 0; p < 468; p++) {
      for (const v of [points[3 * p], points[3 * p + 1]]) {
        assertOk(v > -0.25 && v < 1.25, `point ${p} at ${v} is far outside the crop`);
      }
    }
  }
});

Deno.test("face mesh anatomy: eyes above the mouth, subject's left eye on the image right", () => {
  let checked = 0;
  for (const { points, presence } of results) {
    if (presence < PRESENCE_THRESHOLD) continue;
    const left = centroid(points, faceMesh.FACEMESH_LEFT_EYE);
    const right = centroid(points, faceMesh.FACEMESH_RIGHT_EYE);
    const lips = centroid(points, faceMesh.FACEMESH_LIPS);
    assertOk(left[0] > right[0], `left eye x ${left[0]} not right of right eye x ${right[0]}`);
    assertOk(lips[1] > left[1] + 0.1 && lips[1] > right[1] + 0.1, "mouth is not below the eyes");
    checked++;
  }
  assertOk(checked > 0);
});

Deno.test("face mesh is mirror-consistent: midline points move to 1 - x on a flipped image", () => {
  const image = fixture.images.subarray(0, PIXELS);
  const [a, b] = landmarker.detect(new Uint8Array([...image, ...flipped(image)]), SIZE, 2);
  // Nose tip (1), chin (152), forehead (10), upper and lower lip midline (0, 17).
  for (const p of [1, 152, 10, 0, 17]) {
    const error = Math.abs(a.points[3 * p] - (1 - b.points[3 * p]));
    assertOk(error < 0.04, `point ${p}: mirror error ${error}`);
    assertOk(Math.abs(a.points[3 * p + 1] - b.points[3 * p + 1]) < 0.04, `point ${p}: y moved`);
  }
});

Deno.test("face mesh gives a low presence score on a blank image", () => {
  const [blank] = landmarker.detect(new Uint8Array(PIXELS).fill(128), SIZE);
  assertOk(blank.presence < PRESENCE_THRESHOLD, `presence ${blank.presence} on a blank image`);
});

Deno.test("batched and single detection agree", () => {
  const [single] = landmarker.detect(fixture.images.slice(PIXELS, 2 * PIXELS), SIZE);
  let max = 0;
  for (let i = 0; i < single.points.length; i++) {
    max = Math.max(max, Math.abs(single.points[i] - results[1].points[i]));
  }
  assertOk(max < 1e-3, `batch vs single differ by ${max}`);
});

Deno.test("detect rejects a buffer that does not hold count size x size images", async () => {
  await assertThrows(() => landmarker.detect(new Uint8Array(100), SIZE), "expected 1 images");
  await assertThrows(() => landmarker.detect(new Uint8Array(0), 0), "bad image size");
  await assertThrows(() => FaceMeshLandmarker.load({ padFraction: 2 }), "padFraction");
});

Deno.test("the landmarks feature plugs into the registry: 128 points + presence, failures counted", async () => {
  const viaRegistry = await createFeatureExtractor("landmarks");
  assertEquals(viaRegistry.length, 2 * 128 + 1);
  await viaRegistry.close?.();
  const lines: string[] = [];
  const extractor = await createLandmarkFeatureExtractor({ report: (line) => lines.push(line) });
  const out = new Float32Array(2 * extractor.length);
  await extractor.extract(fixture.images.subarray(0, PIXELS), out, 0);
  await extractor.extract(new Uint8Array(PIXELS).fill(128), out, extractor.length);
  const subset = contourSubset();
  // Stored values are the subset's x, y in order, then the presence score.
  assertEquals(out[0], results[0].points[3 * subset[0]]);
  assertEquals(out[1], results[0].points[3 * subset[0] + 1]);
  assertOk(Math.abs(out[extractor.length - 1] - results[0].presence) < 1e-6);
  assertEquals(extractor.stats, { images: 2, failures: 1 });
  await extractor.close?.();
  assertEquals(lines, [landmarkSummary({ images: 2, failures: 1 })]);
  assertOk(lines[0].includes("1 of 2 images (50.00%)"));
});

globalThis.addEventListener("unload", () => landmarker.dispose());
