import { assertEquals, assertOk, assertThrows } from "../assert.ts";
import { hasChromium, launchBrowserFaceDetector } from "../../src/detector/browser/harness.ts";
import { SOURCE_DIR } from "../../src/detector/build.ts";

Deno.test({
  name: "tasks-vision's FaceDetector in Chromium accepts the packaged asset and finds the faces",
  ignore: !hasChromium(),
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const browser = await launchBrowserFaceDetector();
    try {
      const bytes = await Deno.readFile(new URL("../fixtures/photos/group1.jpg", import.meta.url));
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
