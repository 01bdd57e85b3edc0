/**
 * The TypeScript PNG decoder: the same pixels as `@jsquash/png` for every colour type, depth,
 * interlacing and transparency chunk; plain-worded refusals; bounded work on zlib bombs; and no
 * memory kept by failed decodes (the wasm decoder leaked its whole output buffer each time).
 */
import { deflateSync } from "node:zlib";
import { decode as jsquashDecode } from "@jsquash/png/decode.js";
import { assertEquals, assertOk } from "../assert.ts";
import { decodePng, PngError } from "../../src/image/png_decode.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { crc32 } from "../../training/data/png.ts";
import { corruptStripesPng, pngWithData, stripesPng } from "./bad_images.ts";

const FIXTURES = new URL("../fixtures/png/", import.meta.url);

async function refusal(bytes: Uint8Array): Promise<string> {
  try {
    await decodePng(bytes);
  } catch (error) {
    assertOk(error instanceof PngError, `expected a PngError, got ${error}`);
    return error.message;
  }
  throw new Error("expected the PNG to be refused");
}

Deno.test("every colour type, depth and interlacing decodes exactly as @jsquash/png does", async () => {
  let count = 0;
  for await (const entry of Deno.readDir(FIXTURES)) {
    if (!entry.name.endsWith(".png")) continue;
    const bytes = await Deno.readFile(new URL(entry.name, FIXTURES));
    const expected = await jsquashDecode(bytes.slice().buffer);
    const actual = await decodePng(bytes);
    assertEquals([actual.width, actual.height], [expected.width, expected.height], entry.name);
    assertEquals(Array.from(actual.data), Array.from(expected.data), entry.name);
    count++;
  }
  assertEquals(count, 35);
});

/** Filters `rows` (each `rowBytes` long, `bpp` bytes a pixel) with PNG filter `type`. */
function filterRows(rows: Uint8Array[], type: number, bpp: number): Uint8Array {
  const n = rows[0].length;
  const out = new Uint8Array((n + 1) * rows.length);
  rows.forEach((row, y) => {
    const up = y > 0 ? rows[y - 1] : new Uint8Array(n);
    out[y * (n + 1)] = type;
    for (let i = 0; i < n; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      const p = a + b - c;
      const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
      const predictor = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][type];
      out[y * (n + 1) + 1 + i] = (row[i] - predictor) & 255;
    }
  });
  return out;
}

Deno.test("each of the five filters is reversed exactly, for 1, 3, 4 and 8 bytes a pixel", async () => {
  const [width, height] = [301, 203]; // several 1 MiB inflate chunks at 8 bytes a pixel
  for (const [colorType, depth, bpp] of [[0, 8, 1], [2, 8, 3], [6, 8, 4], [6, 16, 8]]) {
    const rows = Array.from(
      { length: height },
      (_, y) =>
        Uint8Array.from({ length: width * bpp }, (_, i) => (i * 7 + y * 13 + ((i * y) >> 5)) & 255),
    );
    for (let type = 0; type <= 4; type++) {
      const png = pngWithData(width, height, colorType, deflateSync(filterRows(rows, type, bpp)));
      png[24] = depth;
      new DataView(png.buffer).setUint32(29, crc32(png.subarray(12, 29)));
      const expected = await jsquashDecode(png.slice().buffer);
      const actual = await decodePng(png);
      assertOk(
        actual.data.every((v, i) => v === expected.data[i]),
        `type ${colorType} filter ${type}`,
      );
    }
  }
});

Deno.test("broken PNGs are refused with a reason in plain words", async () => {
  const good = stripesPng(32, 32);
  assertOk((await refusal(good.subarray(0, 7))).includes("not a PNG"));
  assertOk((await refusal(good.subarray(0, 40))).includes("truncated"));
  const badCrc = good.slice();
  badCrc[20] ^= 1; // IHDR height, CRC now wrong
  assertOk((await refusal(badCrc)).includes("CRC"));
  assertOk((await refusal(corruptStripesPng(32, 32))).includes("corrupt"));
  // Valid zlib stream, but too little data for 32 rows.
  const short = pngWithData(32, 32, 6, new Uint8Array(deflateSync(new Uint8Array(129 * 10))));
  assertOk((await refusal(short)).includes("truncated"));
  // A row with filter type 7.
  const rows = new Uint8Array(129 * 32);
  rows[129 * 5] = 7;
  const filter = pngWithData(32, 32, 6, new Uint8Array(deflateSync(rows)));
  assertOk((await refusal(filter)).includes("filter type 7"));
  // Colour type 6 at depth 4 does not exist.
  const depth = good.slice();
  depth[24] = 4;
  new DataView(depth.buffer).setUint32(29, crc32(depth.subarray(12, 29)));
  assertOk((await refusal(depth)).includes("colour type 6 / depth 4"));
});

Deno.test("a zlib bomb is inflated only up to the size its header allows", async () => {
  // 64x64 RGBA needs 16,448 bytes; this IDAT inflates to 50 MB of zeros.
  const bomb = pngWithData(64, 64, 6, new Uint8Array(deflateSync(new Uint8Array(50e6))));
  assertOk(bomb.length < 100_000);
  const started = performance.now();
  const image = await decodePng(bomb);
  assertOk(performance.now() - started < 1000, `${performance.now() - started} ms`);
  assertEquals([image.width, image.height, image.data.length], [64, 64, 64 * 64 * 4]);
});

Deno.test("corrupt PNGs in a row leave PNG decoding working and keep no memory", async () => {
  // The wasm decoder leaked its output buffer on each: after ~63 corrupt 4096x4096 PNGs every
  // valid one failed with "unreachable", and 500 corrupt 640x480 ones took 640 MB.
  const big = stripesPng(4096, 4096);
  const small = stripesPng(640, 480);
  const expectedBig = await decodeImage(big);
  const expectedSmall = await decodeImage(small);
  const corruptBig = corruptStripesPng(4096, 4096);
  const corruptSmall = corruptStripesPng(640, 480);
  const rssBefore = Deno.memoryUsage().rss;
  for (let i = 0; i < 70; i++) {
    const error = await decodeImage(corruptBig).then(() => undefined, (e) => e);
    assertEquals([error?.status, error?.code], [422, "undecodable_image"], `big #${i}`);
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assertOk((await decodeImage(big)).data.every((v, i) => v === expectedBig.data[i]));
  for (let i = 0; i < 400; i++) {
    const error = await decodeImage(corruptSmall).then(() => undefined, (e) => e);
    assertEquals(error?.status, 422, `small #${i}`);
    if (i % 50 === 0) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  assertOk((await decodeImage(small)).data.every((v, i) => v === expectedSmall.data[i]));
  const grownMb = (Deno.memoryUsage().rss - rssBefore) / 1e6;
  // The wasm decoder would have kept 70 x 64 MiB + 400 x 1.2 MiB here.
  assertOk(grownMb < 300, `RSS grew ${grownMb.toFixed(0)} MB`);
});
