/**
 * The detection retry: tight crops, 48- and 24-px faces, faces turned by ±45° and grey photos that
 * the plain pass misses are found on the retry canvases, with their boxes inside the photo and
 * their eyes where the face's eyes are; photos without a face stay without one.
 *
 * @module
 */
import {
  createFaceDetector,
  type DetectedFace,
  type FaceDetector,
} from "../../src/detector/mod.ts";
import { RetryingFaceDetector } from "../../src/detector/retry.ts";
import { decodeImage, type RgbaImage } from "../../src/image/decode.ts";
import { renderPlacement } from "../../src/image/placement.ts";
import { eyeAngle } from "../../src/image/align.ts";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url);
const load = async (path: string) =>
  await decodeImage(await Deno.readFile(new URL(path, FIXTURES)));

/** `image` turned by `deg` degrees on a black square large enough to hold it. */
function turned(image: RgbaImage, deg: number): RgbaImage {
  const side = Math.ceil(Math.hypot(image.width, image.height));
  return renderPlacement(image, {
    side,
    scale: 1,
    angle: (deg * Math.PI) / 180,
    imageWidth: image.width,
    imageHeight: image.height,
  });
}

function grey(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  for (let p = 0; p < data.length; p += 4) {
    data.fill(0.299 * data[p] + 0.587 * data[p + 1] + 0.114 * data[p + 2], p, p + 3);
  }
  return { ...image, data };
}

/** One face, its box inside the image, its eyes in the upper half of the box, right eye first. */
function oneFace(faces: DetectedFace[], image: RgbaImage, what: string, level = true): void {
  assertEquals(faces.length, 1, `${what}: ${faces.length} faces`);
  const { box, keypoints, score } = faces[0];
  assertOk(score >= 0.5 && score <= 1, `${what}: score ${score}`);
  assertOk(box.x >= 0 && box.y >= 0, `${what}: box ${JSON.stringify(box)}`);
  assertOk(box.x + box.width <= image.width + 1e-9, `${what}: box past the right edge`);
  assertOk(box.y + box.height <= image.height + 1e-9, `${what}: box past the bottom edge`);
  assertOk(box.width > image.width / 3, `${what}: box ${box.width} px for a tight crop`);
  assertEquals(keypoints.length, 6);
  if (level) {
    const [right, left] = keypoints;
    assertOk(right.x < left.x, `${what}: right eye ${right.x} left of left eye ${left.x}`);
    assertOk(Math.max(right.y, left.y) < box.y + box.height * 0.6, `${what}: eyes high up`);
  }
}

let shared: { plain: FaceDetector; retrying: FaceDetector } | undefined;
async function detectors() {
  shared ??= {
    plain: await createFaceDetector({ retry: false }),
    retrying: await createFaceDetector(),
  };
  return shared;
}

Deno.test("tight crops, 48- and 24-px faces: missed by the plain pass, found by the retry", async () => {
  const { plain, retrying } = await detectors();
  for (const name of ["tight1.jpg", "tight2.jpg", "face48.png", "face24.png"]) {
    const image = await load(`faces/${name}`);
    assertEquals((await plain.detect(image)).length, 0, `${name}: the plain pass finds it`);
    oneFace(await retrying.detect(image), image, name);
  }
});

Deno.test("grey photos and faces turned by up to ±45° are found, with their eye angle", async () => {
  const { retrying } = await detectors();
  const tight = await load("faces/tight1.jpg");
  oneFace(await retrying.detect(grey(tight)), tight, "grey tight1");
  const upright = eyeAngle((await retrying.detect(tight))[0]);
  for (const deg of [-45, -30, 20, 45]) {
    const image = turned(tight, deg);
    const faces = await retrying.detect(image);
    oneFace(faces, image, `tight1 turned ${deg} deg`, false);
    // The eye line turns with the face (within 12 deg: the keypoints are a detector's guess).
    const angle = ((eyeAngle(faces[0]) - upright) * 180) / Math.PI;
    assertAlmostEquals(angle, deg, 12, `tight1 turned ${deg} deg: eye line at ${angle} deg`);
  }
});

Deno.test("photos without a face give no face, retry included", async () => {
  const { retrying } = await detectors();
  for (const name of ["landscape.jpg", "texture.jpg", "document.jpg", "noise.jpg", "plasma.jpg"]) {
    const faces = await retrying.detect(await load(`noface/${name}`));
    assertEquals(faces.length, 0, `${name}: ${faces.map((f) => f.score.toFixed(2))}`);
  }
  const blank = { width: 48, height: 48, data: new Uint8ClampedArray(48 * 48 * 4).fill(128) };
  assertEquals(await retrying.detect(blank), []);
  shared?.plain.dispose();
  shared?.retrying.dispose();
  shared = undefined;
});

/** A detector answering from a script, counting its calls. */
class ScriptedDetector implements FaceDetector {
  calls: RgbaImage[] = [];
  disposed = false;
  constructor(readonly answer: (image: RgbaImage, call: number) => DetectedFace[]) {}
  detect(image: RgbaImage) {
    this.calls.push(image);
    return Promise.resolve(this.answer(image, this.calls.length));
  }
  dispose() {
    this.disposed = true;
  }
}

Deno.test("the retry runs only when the first pass finds nothing, and maps its faces back", async () => {
  const photo = { width: 100, height: 50, data: new Uint8ClampedArray(100 * 50 * 4) };
  const found: DetectedFace = {
    box: { x: 1, y: 2, width: 30, height: 30 },
    score: 0.9,
    keypoints: [],
  };
  const first = new ScriptedDetector(() => [found]);
  const retry = new ScriptedDetector(() => []);
  assertEquals(await new RetryingFaceDetector(first, retry).detect(photo), [found]);
  assertEquals(retry.calls.length, 0, "a photo with a face pays nothing extra");

  // The upright canvas shows a face below its step's score; both turned canvases see the same face
  // at the canvas centre, one of them too faintly.
  const empty = new ScriptedDetector(() => []);
  const faint = { box: { x: 10, y: 10, width: 40, height: 40 }, score: 0.59, keypoints: [] };
  const onCanvas = new ScriptedDetector((_canvas, call) =>
    call === 1 ? [faint] : [{
      box: { x: 128 - 60, y: 128 - 60, width: 120, height: 120 },
      score: call === 2 ? 0.64 : 0.8,
      keypoints: [{ x: 128, y: 128 }],
    }]
  );
  const detector = new RetryingFaceDetector(empty, onCanvas);
  const faces = await detector.detect(photo);
  assertEquals(onCanvas.calls.map((c) => [c.width, c.height]), [[256, 256], [256, 256], [
    256,
    256,
  ]]);
  assertEquals(faces.length, 1, "one face: the faint sightings do not count");
  assertEquals(faces[0].score, 0.8);
  // The canvas centre is the photo centre; 120 canvas px are 120 / (256 / 1.5 / 100) photo px,
  // more than the photo's height: the box is clipped at the top and bottom.
  const size = 120 / (256 / 1.5 / 100);
  assertAlmostEquals(faces[0].box.x, 50 - size / 2, 1e-9);
  assertAlmostEquals(faces[0].box.width, size, 1e-9);
  assertEquals([faces[0].box.y, faces[0].box.height], [0, 50], "clipped to the photo");
  assertAlmostEquals(faces[0].keypoints[0].x, 50, 1e-9);
  assertAlmostEquals(faces[0].keypoints[0].y, 25, 1e-9);
  detector.dispose();
  assertOk(empty.disposed && onCanvas.disposed, "dispose frees both detectors");
});
