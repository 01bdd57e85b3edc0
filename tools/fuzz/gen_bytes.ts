/**
 * Byte-level generators: random bytes, random bytes behind a real image signature, valid images cut
 * short, and valid images with flipped bits.
 *
 * @module
 */
import { type FuzzAssets, type Generator, predictCase } from "./cases.ts";
import { pick, randInt, randomBytes, type Rng, skewedLength } from "./random.ts";
import { synthPng } from "./png_synth.ts";
import { synthJpeg } from "./jpeg_synth.ts";

/** A valid image to damage, with its name. */
interface Source {
  name: string;
  bytes: Uint8Array;
  /** Bytes at the end that a decoder may do without (PNG's IEND chunk). */
  optionalTail: number;
}

/** Valid images of each format and a few shapes. */
function sources(assets: FuzzAssets): Source[] {
  return [
    { name: "face.jpg", bytes: assets.faceJpeg, optionalTail: 0 },
    { name: "face.png", bytes: assets.facePng, optionalTail: 12 },
    {
      name: "small.png",
      bytes: assets.cached("small.png", () => synthPng(64, 48, { color: "rgba" })),
      optionalTail: 12,
    },
    {
      name: "synth.jpg",
      bytes: assets.cached("synth.jpg", () => synthJpeg(64, 48)),
      optionalTail: 0,
    },
  ];
}

/** Content types a careless client might send with anything. */
const CONTENT_TYPES = [
  "application/octet-stream",
  "image/jpeg",
  "image/png",
  "image/webp",
  "",
] as const;

/** Signatures that route bytes to a particular decoder. */
const SIGNATURES: [string, number[]][] = [
  ["png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["jpeg", [0xff, 0xd8, 0xff]],
  ["webp", [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50]],
];

/** Random bytes of a random (mostly short) length. */
export const randomBytesGenerator: Generator = {
  name: "random-bytes",
  weight: 2,
  make(rng: Rng) {
    const length = 1 + skewedLength(rng, 8192);
    const type = pick(rng, CONTENT_TYPES);
    return predictCase(
      "random-bytes",
      `${length} random bytes as "${type}"`,
      randomBytes(rng, length),
      "4xx",
      { contentType: type },
    );
  },
};

/** A real signature (and for PNG sometimes a real IHDR) followed by random bytes. */
export const signedRandomGenerator: Generator = {
  name: "signed-random",
  weight: 2,
  make(rng: Rng, assets: FuzzAssets) {
    const [format, signature] = pick(rng, SIGNATURES);
    // Keep a real header now and then, so the decoder itself (not only the sniffer) sees garbage.
    const keep = format === "png" && rng.next() < 0.5
      ? 33
      : format === "jpeg" && rng.next() < 0.5
      ? 200
      : signature.length;
    const prefix = format === "png"
      ? assets.facePng.subarray(0, keep)
      : format === "jpeg"
      ? assets.faceJpeg.subarray(0, keep)
      : Uint8Array.from(signature);
    const tail = randomBytes(rng, skewedLength(rng, 16384));
    const body = new Uint8Array(prefix.length + tail.length);
    body.set(prefix);
    body.set(tail, prefix.length);
    return predictCase(
      "signed-random",
      `${format} header (${keep} B) + ${tail.length} random bytes`,
      body,
      "4xx",
    );
  },
};

/** A valid image cut at a random point. */
export const truncationGenerator: Generator = {
  name: "truncation",
  weight: 2,
  make(rng: Rng, assets: FuzzAssets) {
    const source = pick(rng, sources(assets));
    const cut = randInt(rng, 1, source.bytes.length - 1);
    // Losing only PNG's IEND chunk leaves every pixel there: decoding it anyway is acceptable.
    const expect = cut >= source.bytes.length - source.optionalTail ? "any" : "4xx";
    return predictCase(
      "truncation",
      `${source.name} cut to ${cut}/${source.bytes.length} B`,
      source.bytes.slice(0, cut),
      expect,
      { contentType: pick(rng, CONTENT_TYPES) },
    );
  },
};

/** A valid image with 1 to 64 flipped bits (decoders may recover from some). */
export const bitFlipGenerator: Generator = {
  name: "bit-flip",
  weight: 3,
  make(rng: Rng, assets: FuzzAssets) {
    const source = pick(rng, sources(assets));
    const bytes = source.bytes.slice();
    const flips = randInt(rng, 1, 64);
    // Half the time aim at the first 300 bytes, where the headers and tables are.
    const span = rng.next() < 0.5 ? Math.min(300, bytes.length) : bytes.length;
    for (let i = 0; i < flips; i++) bytes[randInt(rng, 0, span - 1)] ^= 1 << randInt(rng, 0, 7);
    return predictCase(
      "bit-flip",
      `${source.name} with ${flips} bit flips in the first ${span} B`,
      bytes,
      "any",
      { query: rng.next() < 0.2 ? "?detect=false" : "" },
    );
  },
};

/** The byte-level generators. */
export const BYTE_GENERATORS: Generator[] = [
  randomBytesGenerator,
  signedRandomGenerator,
  truncationGenerator,
  bitFlipGenerator,
];
