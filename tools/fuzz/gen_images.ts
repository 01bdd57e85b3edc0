/**
 * Image-level generators: thin, tall and huge images, headers declaring sizes the data does not
 * have, JPEGs that make libjpeg exit, PNGs with valid headers and broken pixel data, and JPEGs with
 * no scan data.
 *
 * @module
 */
import { type FuzzAssets, type Generator, predictCase } from "./cases.ts";
import { pick, randInt, type Rng } from "./random.ts";
import { type IdatDamage, type PngColor, pngDeclaring, synthPng } from "./png_synth.ts";
import { synthJpeg } from "./jpeg_synth.ts";
import { withFrameSize, withScanCut, withScanMarker } from "./jpeg_edit.ts";

/** The thin shapes from issue 23 (20x1000 and its relatives break the detector). */
export const THIN_SHAPES: [number, number][] = [
  [20, 1000],
  [30, 1000],
  [50, 1000],
  [100, 4096],
  [1, 721],
  [1, 4096],
  [1000, 20],
  [4096, 1],
  [4096, 100],
];

const flat = () => 200;

/** A flat gray PNG of `width`x`height` (cached: the big ones take a moment to deflate). */
export function flatPng(assets: FuzzAssets, width: number, height: number): Uint8Array {
  return assets.cached(`flat ${width}x${height}`, () => synthPng(width, height, { sample: flat }));
}

/** Thin and tall images, PNG or JPEG, with and without face detection. */
export const thinImageGenerator: Generator = {
  name: "thin-image",
  weight: 3,
  make(rng: Rng, assets: FuzzAssets) {
    let [width, height] = rng.next() < 0.6
      ? pick(rng, THIN_SHAPES)
      : [randInt(rng, 1, 64), randInt(rng, 400, 4096)];
    if (rng.next() < 0.3) [width, height] = [height, width];
    const jpeg = rng.next() < 0.3;
    const bytes = jpeg
      ? assets.cached(`jpeg ${width}x${height}`, () => synthJpeg(width, height))
      : flatPng(assets, width, height);
    const query = rng.next() < 0.25 ? "?detect=false" : "";
    const format = jpeg ? "jpeg" : "png";
    return predictCase("thin-image", `thin ${format} ${width}x${height}${query}`, bytes, "any", {
      query,
    });
  },
};

/** The largest images the pixel limit allows, in their most extreme shapes. */
export const hugeImageGenerator: Generator = {
  name: "huge-image",
  weight: 0.3,
  make(rng: Rng, assets: FuzzAssets) {
    const [width, height] = pick(rng, [[1, 16777216], [16777216, 1], [4096, 4096], [2048, 8192]]);
    const query = rng.next() < 0.5 ? "?detect=false" : "";
    return predictCase(
      "huge-image",
      `huge png ${width}x${height}${query}`,
      flatPng(assets, width, height),
      "any",
      { query },
    );
  },
};

/** A WebP (VP8X) header declaring `width`x`height` with no image data after it. */
export function webpDeclaring(width: number, height: number): Uint8Array {
  const out = new Uint8Array(30);
  const text = (at: number, s: string) => [...s].forEach((ch, i) => out[at + i] = ch.charCodeAt(0));
  text(0, "RIFF");
  new DataView(out.buffer).setUint32(4, 22, true);
  text(8, "WEBPVP8X");
  out[16] = 10;
  const put24 = (at: number, v: number) => out.set([v & 255, (v >> 8) & 255, (v >> 16) & 255], at);
  put24(24, width - 1);
  put24(27, height - 1);
  return out;
}

/** Headers that lie about the size: huge, zero, or other than the data holds. */
export const declaredSizeGenerator: Generator = {
  name: "declared-size",
  weight: 2,
  make(rng: Rng, assets: FuzzAssets) {
    const kind = pick(rng, ["png", "jpeg", "webp"] as const);
    const [width, height] = pick(rng, [
      [50000, 50000],
      [65535, 65535],
      [0, 0],
      [0, 480],
      [0x7fffffff, 1],
      [0xffffffff, 0xffffffff],
      [16777217, 1],
      [4097, 4096],
      [4096, 4096],
      [randInt(rng, 1, 4096), randInt(rng, 1, 4096)],
    ]);
    const over = width * height > 4096 * 4096 || width === 0 || height === 0;
    if (kind === "png") {
      const color = pick(rng, ["gray", "rgb", "rgba"] as const);
      const bytes = pngDeclaring(width, height, color);
      const label = `${color} png declaring ${width}x${height} (4x4 data)`;
      // Only 4x4 pixels of data: a correct server can never answer 200 unless it declared 4x4.
      return predictCase(
        "declared-size",
        label,
        bytes,
        width === 4 && height === 4 ? "any" : "4xx",
      );
    }
    if (kind === "webp") {
      const w = Math.max(1, Math.min(width, 1 << 24));
      const h = Math.max(1, Math.min(height, 1 << 24));
      return predictCase(
        "declared-size",
        `webp declaring ${w}x${h}, no data`,
        webpDeclaring(w, h),
        "4xx",
      );
    }
    const w = Math.min(width, 65535);
    const h = Math.min(height, 65535);
    const bytes = withFrameSize(assets.faceJpeg, w, h);
    // A JPEG frame smaller than the data may decode (libjpeg stops reading early).
    return predictCase(
      "declared-size",
      `face.jpg declaring ${w}x${h}`,
      bytes,
      over ? "4xx" : "any",
    );
  },
};

/** JPEGs that make libjpeg call exit(1): CMYK, an invalid marker in the scan, a frame over 65500. */
export const exitJpegGenerator: Generator = {
  name: "exit-jpeg",
  weight: 3,
  make(rng: Rng, assets: FuzzAssets) {
    const kind = pick(rng, ["cmyk", "scan-marker", "wide"] as const);
    if (kind === "cmyk") {
      const [w, h] = [randInt(rng, 8, 640), randInt(rng, 8, 480)];
      const bytes = synthJpeg(w, h, { components: 4 });
      return predictCase("exit-jpeg", `cmyk jpeg ${w}x${h}`, bytes, "any");
    }
    if (kind === "scan-marker") {
      const marker = randInt(rng, 0x02, 0xbf);
      const offset = randInt(rng, 0, assets.faceJpeg.length - 400);
      const bytes = withScanMarker(assets.faceJpeg, offset, marker);
      const label = `face.jpg with marker FF${marker.toString(16)} at scan+${offset}`;
      return predictCase("exit-jpeg", label, bytes, "any");
    }
    const width = randInt(rng, 65501, 65535);
    const height = randInt(rng, 1, 16);
    const bytes = assets.cached(`jpeg ${width}x${height}`, () => synthJpeg(width, height));
    return predictCase("exit-jpeg", `jpeg frame ${width}x${height}`, bytes, "any");
  },
};

/** A PNG of `width`x`height` whose header is valid and whose pixel data is broken by `damage`. */
export function corruptPng(
  width: number,
  height: number,
  color: PngColor,
  damage: IdatDamage,
  rng?: Rng,
): Uint8Array {
  return synthPng(width, height, { color, damage, random: rng ? () => rng.next() : undefined });
}

/** Valid PNG headers with broken pixel data, at 640x480 and 4096x4096 (the leaking sizes). */
export const corruptPngGenerator: Generator = {
  name: "corrupt-png",
  weight: 3,
  make(rng: Rng, assets: FuzzAssets) {
    const [width, height] = pick(rng, [[640, 480], [640, 480], [4096, 4096], [
      randInt(rng, 1, 2048),
      randInt(rng, 1, 2048),
    ]]);
    const color = pick(rng, ["gray", "rgb", "rgba"] as const);
    const damage = pick(rng, ["truncated", "garbage", "short"] as const);
    // Truncated and short streams are the same bytes for the same shape: build them once.
    const bytes = damage === "garbage"
      ? corruptPng(width, height, color, damage, rng)
      : assets.cached(
        `png ${width}x${height} ${color} ${damage}`,
        () => corruptPng(width, height, color, damage),
      );
    const label = `${color} png ${width}x${height}, IDAT ${damage}`;
    return predictCase("corrupt-png", label, bytes, "4xx");
  },
};

/** JPEGs whose scan data is missing (SOS then EOI) or cut short before an EOI. */
export const incompleteJpegGenerator: Generator = {
  name: "incomplete-jpeg",
  weight: 2,
  make(rng: Rng, assets: FuzzAssets) {
    const kind = pick(rng, ["synth", "face", "face-cut"] as const);
    if (kind === "synth") {
      const [w, h] = [randInt(rng, 8, 640), randInt(rng, 8, 480)];
      const bytes = synthJpeg(w, h, { scan: false, components: pick(rng, [1, 3] as const) });
      return predictCase("incomplete-jpeg", `jpeg ${w}x${h}: SOS then EOI`, bytes, "4xx");
    }
    if (kind === "face") {
      const bytes = withScanCut(assets.faceJpeg, 0);
      return predictCase("incomplete-jpeg", "face.jpg: SOS then EOI", bytes, "4xx");
    }
    // Part of the scan is there; libjpeg fills the rest with gray and only warns.
    const keep = randInt(rng, 1, assets.faceJpeg.length - 500);
    const bytes = withScanCut(assets.faceJpeg, keep);
    return predictCase("incomplete-jpeg", `face.jpg: ${keep} B of scan then EOI`, bytes, "any");
  },
};

/** The image-level generators. */
export const IMAGE_GENERATORS: Generator[] = [
  thinImageGenerator,
  hugeImageGenerator,
  declaredSizeGenerator,
  exitJpegGenerator,
  corruptPngGenerator,
  incompleteJpegGenerator,
];
