import type { PreparedSplit } from "../../../training/data/cache.ts";
import {
  extremeFaces,
  landmarkFailures,
  landmarkSheetSvg,
} from "../../../training/experiments/landmark_sheet.ts";
import { encodeBase64 } from "../../../training/experiments/base64.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

/** Four images with 2 landmark points each plus presence scores 0.9, 0.1, 0.6, 0.3. */
function split(): PreparedSplit {
  const presence = [0.9, 0.1, 0.6, 0.3];
  const landmarks = new Float32Array(4 * 5);
  presence.forEach((p, i) => landmarks.set([0.25, 0.5, 0.75, 0.5, p], i * 5));
  return {
    split: "PublicTest",
    count: 4,
    images: new Uint8Array(4 * 2304),
    labels: new Uint8Array(4),
    features: { landmarks },
  };
}

Deno.test("extremeFaces and landmarkFailures read the stored presence score", async () => {
  assertEquals(extremeFaces(split(), 2), { best: [0, 2], worst: [1, 3] });
  assertEquals(landmarkFailures(split(), 0.5), 2);
  await assertThrows(() => landmarkFailures({ ...split(), features: {} }, 0.5), "no landmarks");
});

Deno.test("landmarkSheetSvg draws each image with its points and score", () => {
  const svg = landmarkSheetSvg(split(), [{ title: "best", indices: [0, 2] }, {
    title: "worst",
    indices: [1],
  }]);
  assertEquals((svg.match(/<image /g) ?? []).length, 3);
  assertEquals((svg.match(/<circle /g) ?? []).length, 6);
  // Point (0.25, 0.5) of the first image, drawn at 2x in the first cell (x0 = 8, y = 8 + 18).
  assertOk(svg.includes('cx="32.0" cy="74.0"'));
  assertOk(svg.includes("#1 p=0.10"));
});

Deno.test("encodeBase64 matches btoa and handles inputs larger than one chunk", () => {
  assertEquals(encodeBase64(new TextEncoder().encode("fer-edge")), btoa("fer-edge"));
  const big = new Uint8Array(70000).map((_, i) => i % 251);
  const decoded = Uint8Array.from(atob(encodeBase64(big)), (c) => c.charCodeAt(0));
  assertEquals(decoded, big);
});
