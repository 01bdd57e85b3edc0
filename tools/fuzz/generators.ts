/**
 * All fuzz generators, the fixed corpus of issue 23's reproductions, and the seeded schedule that
 * turns (seed, index) into one case.
 *
 * @module
 */
import { type FuzzAssets, type FuzzCase, type Generator, predictCase } from "./cases.ts";
import { caseRng, pickWeighted } from "./random.ts";
import { BYTE_GENERATORS } from "./gen_bytes.ts";
import { corruptPng, flatPng, IMAGE_GENERATORS } from "./gen_images.ts";
import { HTTP_GENERATORS } from "./gen_http.ts";
import { synthJpeg } from "./jpeg_synth.ts";
import { withScanCut, withScanMarker } from "./jpeg_edit.ts";

/** Every generator, in a fixed order. */
export const GENERATORS: Generator[] = [
  ...BYTE_GENERATORS,
  ...IMAGE_GENERATORS,
  ...HTTP_GENERATORS,
];

/**
 * Random case `index` of the run seeded with `seed`: the generator is drawn by weight, then it
 * draws its case, both from the case's own generator (so a case can be rebuilt alone).
 *
 * @example
 * ```ts
 * const c = randomCase(1, 17, assets); // the same case on every machine
 * ```
 */
export function randomCase(
  seed: number,
  index: number,
  assets: FuzzAssets,
  generators: readonly Generator[] = GENERATORS,
): FuzzCase {
  const rng = caseRng(seed, index);
  return pickWeighted(rng, generators).make(rng, assets);
}

const GET = (path: string): FuzzCase => ({
  generator: "corpus",
  label: `GET ${path}`,
  method: "GET",
  path,
  headers: {},
  expect: "4xx",
});

/**
 * The reproductions listed in issue 23, in its order: thin images, exit-causing JPEGs, corrupt
 * PNGs at the leaking sizes, the 1x16777216 PNG, malformed percent-encodings, an incomplete JPEG
 * and a wrong method. A fuzz run sends these first.
 */
export function corpusCases(assets: FuzzAssets): FuzzCase[] {
  const c = (label: string, body: Uint8Array, expect: "4xx" | "any", query = "") => ({
    ...predictCase("corpus", label + query, body, expect, { query }),
  });
  const cases: FuzzCase[] = [];
  for (const [w, h] of [[20, 1000], [30, 1000], [100, 4096], [1, 721], [1, 4096]]) {
    cases.push(c(`thin png ${w}x${h}`, flatPng(assets, w, h), "any"));
  }
  cases.push(c("cmyk jpeg 64x48", synthJpeg(64, 48, { components: 4 }), "any"));
  cases.push(
    c("face.jpg, marker FF53 in the scan", withScanMarker(assets.faceJpeg, 900, 0x53), "any"),
  );
  cases.push(c("jpeg frame 65535x8", synthJpeg(65535, 8), "any"));
  cases.push(c("rgba png 640x480, IDAT garbage", corruptPng(640, 480, "rgba", "garbage"), "4xx"));
  cases.push(
    c("rgba png 4096x4096, IDAT truncated", corruptPng(4096, 4096, "rgba", "truncated"), "4xx"),
  );
  const tall = flatPng(assets, 1, 16777216);
  cases.push(c("png 1x16777216", tall, "any", "?detect=false"));
  cases.push(c("png 1x16777216", tall, "any"));
  for (const path of ["/%zz", "/%", "/js/%", "/vendor/%", "/classifier/%"]) cases.push(GET(path));
  cases.push(c("face.jpg: SOS then EOI", withScanCut(assets.faceJpeg, 0), "4xx"));
  cases.push({ ...GET("/api/predict"), method: "PUT", label: "PUT /api/predict" });
  return cases;
}
