import { assertEquals, assertOk } from "../assert.ts";
import { augmentInto, augmentsAnything } from "../../training/augment.ts";
import type { AugmentConfig } from "../../training/config.ts";
import {
  adjustTone,
  degradePhotoInto,
  downscaleArea,
  gaussianBlur,
  jpegRoundTrip,
  upscaleBilinear,
} from "../../training/photo_degrade.ts";
import { Rng } from "../../training/rng.ts";

const SIZE = 48;
const PIXELS = SIZE * SIZE;
const GEOMETRY: AugmentConfig = { flip: true, shift: 4, rotate: 10, scale: 0.1 };

/** A face-sized test card: a diagonal gradient with a sharp-edged bright square. */
function card(): Float32Array {
  const img = new Float32Array(PIXELS);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      img[y * SIZE + x] = x >= 16 && x < 32 && y >= 16 && y < 32 ? 230 : (x + y) * 2;
    }
  }
  return img;
}

/** Mean absolute difference between two images. */
function mad(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

Deno.test("degradePhotoInto is seeded, finite and stays in [0, 255] * scale", () => {
  const scale = 1 / 255;
  const runs = [1, 1, 2].map((seed) => {
    const rng = new Rng(seed);
    const out = new Float32Array(PIXELS * 200);
    for (let k = 0; k < 200; k++) {
      const img = card();
      for (let i = 0; i < PIXELS; i++) out[k * PIXELS + i] = img[i] * scale;
      degradePhotoInto(out, k * PIXELS, scale, rng);
    }
    return out;
  });
  assertEquals(runs[0], runs[1]);
  assertOk(mad(runs[0], runs[2]) > 0, "another seed degrades differently");
  assertOk(runs[0].every((v) => Number.isFinite(v) && v >= 0 && v <= 1 + 1e-6));
  // Most images change: each degradation has its own chance, so a few come through untouched.
  let changed = 0;
  const clean = card().map((v) => v * scale);
  for (let k = 0; k < 200; k++) {
    if (mad(runs[0].subarray(k * PIXELS, (k + 1) * PIXELS), clean) > 1e-3) changed++;
  }
  assertOk(changed > 150 && changed < 200, `${changed} of 200 changed`);
});

Deno.test("downscaleArea keeps a flat image flat and the mean of any image; upscale inverts 48", () => {
  const flat = new Float32Array(PIXELS).fill(77);
  for (const side of [16, 23, 31, 40]) {
    assertOk(downscaleArea(flat, side).every((v) => Math.abs(v - 77) < 1e-3), `side ${side}`);
  }
  const img = card();
  const small = downscaleArea(img, 24);
  const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assertOk(Math.abs(mean(small) - mean(img)) < 1e-3);
  const back = new Float32Array(PIXELS);
  upscaleBilinear(downscaleArea(img, 48), 48, back);
  assertOk(mad(back, img) < 1e-3);
  // A 16 px face upscaled loses the square's sharp edge.
  upscaleBilinear(downscaleArea(img, 16), 16, back);
  assertOk(mad(back, img) > 2);
});

Deno.test("gaussianBlur keeps the mean of a flat image and softens edges", () => {
  const img = card();
  const before = Math.abs(img[24 * SIZE + 16] - img[24 * SIZE + 15]);
  gaussianBlur(img, 1);
  const after = Math.abs(img[24 * SIZE + 16] - img[24 * SIZE + 15]);
  assertOk(after < before / 2, `edge step ${before} -> ${after}`);
  const flat = new Float32Array(PIXELS).fill(100);
  gaussianBlur(flat, 1.3);
  assertOk(flat.every((v) => Math.abs(v - 100) < 1e-3));
});

Deno.test("jpegRoundTrip: high quality is near lossless, low quality is blocky and worse", () => {
  const img = card();
  const high = img.slice();
  jpegRoundTrip(high, 95);
  const low = img.slice();
  jpegRoundTrip(low, 10);
  assertOk(mad(high, img) < 1.5, `q95 error ${mad(high, img)}`);
  assertOk(mad(low, img) > 2 * mad(high, img), `q10 ${mad(low, img)} vs q95 ${mad(high, img)}`);
  // A flat block survives any quality (only its DC term is non-zero, and DC round-trips).
  const flat = new Float32Array(PIXELS).fill(128);
  jpegRoundTrip(flat, 10);
  assertOk(flat.every((v) => Math.abs(v - 128) < 1e-3));
});

Deno.test("adjustTone: gamma 1, contrast 1, shift 0 is the identity; contrast 0 flattens", () => {
  const img = card();
  const same = img.slice();
  adjustTone(same, 1, 1, 0);
  assertOk(mad(same, img) < 1e-3);
  const flat = img.slice();
  adjustTone(flat, 1, 0, 0);
  assertOk(flat.every((v) => Math.abs(v - flat[0]) < 1e-3));
});

Deno.test("augmentInto: photo off (absent or 0) draws nothing extra; on changes the image", () => {
  const src = Uint8Array.from(card(), (v) => Math.round(v));
  const run = (config: AugmentConfig) => {
    const rng = new Rng(3);
    const out = new Float32Array(PIXELS);
    augmentInto(src, out, 0, 1, config, rng);
    return { out, next: rng.next() };
  };
  const plain = run(GEOMETRY);
  assertEquals(run({ ...GEOMETRY, photo: 0 }), plain);
  const degraded = run({ ...GEOMETRY, photo: 1 });
  assertOk(degraded.next !== plain.next, "photo on draws its own numbers");
  assertOk(augmentsAnything({ flip: false, shift: 0, rotate: 0, scale: 0, photo: 0.5 }));
  assertEquals(augmentsAnything({ flip: false, shift: 0, rotate: 0, scale: 0, photo: 0 }), false);
});
