import { assertEquals, assertOk } from "../assert.ts";
import {
  augmentInto,
  augmentsAnything,
  eraseRandomRectangle,
  transformInto,
} from "../../training/augment.ts";
import type { AugmentConfig } from "../../training/config.ts";
import { Rng } from "../../training/rng.ts";

const SIZE = 48;
const GEOMETRY: AugmentConfig = { flip: true, shift: 4, rotate: 10, scale: 0.1 };

/** A face-sized image whose pixels are all distinct enough to see where each one went. */
function gradient(): Uint8Array {
  const image = new Uint8Array(SIZE * SIZE);
  for (let v = 0; v < SIZE; v++) for (let u = 0; u < SIZE; u++) image[v * SIZE + u] = u * 5 + v;
  return image;
}

Deno.test("transformInto: the identity copies, a flip mirrors", () => {
  const src = gradient();
  const still = new Float32Array(SIZE * SIZE);
  transformInto(src, still, 0, 1, { flip: false, angleDegrees: 0, zoom: 1, dx: 0, dy: 0 });
  assertEquals(Array.from(still), Array.from(src));
  const mirrored = new Float32Array(SIZE * SIZE);
  transformInto(src, mirrored, 0, 1, { flip: true, angleDegrees: 0, zoom: 1, dx: 0, dy: 0 });
  assertEquals(mirrored[3 * SIZE + 0], src[3 * SIZE + SIZE - 1]);
});

Deno.test("augmentInto: erasing off (absent or 0) draws only the five geometric numbers", () => {
  const src = gradient();
  const fiveDraws = new Rng(5);
  for (let i = 0; i < 5; i++) fiveDraws.next(); // flip, angle, zoom, dx, dy
  const outputs = [GEOMETRY, { ...GEOMETRY, erase: 0 }].map((config) => {
    const rng = new Rng(5);
    const out = new Float32Array(SIZE * SIZE);
    augmentInto(src, out, 0, 1, config, rng);
    assertEquals(rng.state, fiveDraws.state);
    return Array.from(out);
  });
  assertEquals(outputs[0], outputs[1]);
});

Deno.test("augmentInto: erasing on changes one rectangle of 2-25% of the face, the rest as without", () => {
  const src = gradient();
  const still: AugmentConfig = { flip: false, shift: 0, rotate: 0, scale: 0 };
  for (let seed = 1; seed <= 20; seed++) {
    const out = new Float32Array(SIZE * SIZE);
    augmentInto(src, out, 0, 1, { ...still, erase: 1 }, new Rng(seed));
    const changed: [number, number][] = [];
    for (let v = 0; v < SIZE; v++) {
      for (let u = 0; u < SIZE; u++) {
        if (out[v * SIZE + u] !== src[v * SIZE + u]) changed.push([u, v]);
      }
    }
    const us = changed.map(([u]) => u);
    const vs = changed.map(([, v]) => v);
    const box = (Math.max(...us) - Math.min(...us) + 1) * (Math.max(...vs) - Math.min(...vs) + 1);
    // Noise may hit the original value of a pixel now and then, so the box is what is measured.
    assertOk(
      box >= 0.02 * SIZE * SIZE * 0.8 && box <= 0.25 * SIZE * SIZE * 1.2,
      `seed ${seed}: ${box}`,
    );
    assertOk(changed.length >= box * 0.95, `seed ${seed}: a rectangle, not scattered pixels`);
    assertOk(out.every((p) => p >= 0 && p < 256));
  }
});

Deno.test("eraseRandomRectangle writes noise in the image's scale and stays inside it", () => {
  const dst = new Float32Array(3 * SIZE * SIZE).fill(-1);
  const rng = new Rng(9);
  for (let i = 0; i < 50; i++) eraseRandomRectangle(dst, SIZE * SIZE, 1 / 255, rng);
  const [before, image, after] = [0, 1, 2].map((k) =>
    dst.subarray(k * SIZE * SIZE, (k + 1) * SIZE * SIZE)
  );
  assertOk(before.every((p) => p === -1) && after.every((p) => p === -1));
  assertOk(image.every((p) => p === -1 || (p >= 0 && p < 1)));
});

Deno.test("augmentsAnything counts erasing", () => {
  const none: AugmentConfig = { flip: false, shift: 0, rotate: 0, scale: 0 };
  assertEquals(augmentsAnything(none), false);
  assertEquals(augmentsAnything({ ...none, erase: 0 }), false);
  assertEquals(augmentsAnything({ ...none, erase: 0.5 }), true);
});
