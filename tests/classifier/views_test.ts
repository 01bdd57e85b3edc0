import { assertAlmostEquals, assertEquals, assertThrows } from "../assert.ts";
import {
  averageViews,
  isClassifyTta,
  mirrorFace,
  viewsPerFace,
} from "../../src/classifier/views.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";

Deno.test("mirrorFace reverses every row and keeps the channels of a pixel together", () => {
  const gray = Uint8Array.from({ length: 48 * 48 }, (_, i) => i % 251);
  const mirrored = mirrorFace(gray, FER_INPUT);
  assertEquals(mirrored[0], gray[47]);
  assertEquals(mirrored[48 * 5 + 10], gray[48 * 5 + 37]);
  assertEquals(Array.from(mirrorFace(mirrored, FER_INPUT)), Array.from(gray));
  // Two pixels of two channels: [a1 a2 | b1 b2] -> [b1 b2 | a1 a2].
  const rgb = { ...FER_INPUT, width: 2, height: 1, channels: 2 };
  assertEquals(Array.from(mirrorFace(Uint8Array.of(1, 2, 3, 4), rgb)), [3, 4, 1, 2]);
});

Deno.test("averageViews averages view blocks face by face and checks the length", async () => {
  // Two faces, two classes; first views then second views.
  const scores = [0.2, 0.8, 0.6, 0.4, 0.4, 0.6, 1, 0];
  const averaged = averageViews(scores, 2, 2, 2);
  [0.3, 0.7, 0.8, 0.2].forEach((v, i) => assertAlmostEquals(averaged[i], v, 1e-6));
  assertEquals(viewsPerFace("none"), 1);
  assertEquals(viewsPerFace("flip"), 2);
  assertEquals(viewsPerFace("flip", true), 1); // a mirror-tied model
  assertEquals(viewsPerFace("none", true), 1);
  assertEquals(["none", "flip", "tencrop", "", undefined].map(isClassifyTta), [
    true,
    true,
    false,
    false,
    false,
  ]);
  await assertThrows(() => averageViews(scores, 2, 2, 3), "expected 3 views");
});
