import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../../assert.ts";
import encodePng from "@jsquash/png/encode.js";
import { createFaceDetector } from "../../../src/detector/mod.ts";
import { decodeImage } from "../../../src/image/decode.ts";
import { resizeArea } from "../../../src/image/resize.ts";
import { hasChromium, launchBrowserFaceDetector } from "../../../tools/browser/harness.ts";
import { SOURCE_DIR } from "../../../tools/detector_build/build.ts";

Deno.test({
  name: "tasks-vision's FaceDetector in Chromium accepts the packaged asset and finds the faces",
  ignore: !hasChromium(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const browser = await launchBrowserFaceDetector();
    try {
      const bytes = await Deno.readFile(
        new URL("../../fixtures/photos/group1.jpg", import.meta.url),
      );
      const result = await browser.detect(bytes);
      assertEquals([result.width, result.height], [1920, 1280]);
      assertEquals(result.faces.length, 3, JSON.stringify(result.faces.map((f) => f.score)));
      for (const face of result.faces) assertOk(face.box.width > 100 && face.box.width < 600);
    } finally {
      await browser.close();
    }
  },
});

Deno.test({
  name: "without the added metadata, tasks-vision rejects the npm package's model",
  ignore: !hasChromium(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await assertThrows(
      () => launchBrowserFaceDetector({ modelDir: SOURCE_DIR }),
      "NormalizationOptions",
    );
  },
});

Deno.test({
  name: "on a 128x128 input (no resampling) the tfjs runner matches tasks-vision in Chromium",
  ignore: !hasChromium(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    // A 640-px square around the middle face of group1, area-averaged to the model's input size.
    const photo = await decodeImage(
      await Deno.readFile(new URL("../../fixtures/photos/group1.jpg", import.meta.url)),
    );
    const small = resizeArea(
      { width: photo.width, height: photo.height, channels: 4, data: photo.data },
      { x: 620, y: 240, width: 640, height: 640 },
      128,
      128,
    );
    const pixels = new Uint8ClampedArray(small.data.length);
    for (let i = 0; i < pixels.length; i++) pixels[i] = Math.round(small.data[i]);
    const png = new Uint8Array(await encodePng(new ImageData(pixels, 128, 128)));
    const server = await createFaceDetector({ model: "short", tiling: { tileFraction: 0 } });
    const browser = await launchBrowserFaceDetector();
    try {
      const ours = await server.detect(await decodeImage(png));
      const theirs = (await browser.detect(png, "png")).faces;
      assertEquals([ours.length, theirs.length], [1, 1]);
      assertAlmostEquals(ours[0].score, theirs[0].score, 0.005);
      ours[0].keypoints.forEach((p, k) => {
        assertAlmostEquals(p.x, theirs[0].keypoints[k].x, 0.5);
        assertAlmostEquals(p.y, theirs[0].keypoints[k].y, 0.5);
      });
      // tasks-vision rounds boxes to whole pixels.
      assertAlmostEquals(ours[0].box.x, theirs[0].box.x, 1.5);
      assertAlmostEquals(ours[0].box.width, theirs[0].box.width, 1.5);
    } finally {
      server.dispose();
      await browser.close();
    }
  },
});
