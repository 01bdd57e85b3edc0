import { assertEquals, assertOk } from "../assert.ts";
import { assertCompleteJpeg, maxJpegScans } from "../../src/image/jpeg_complete.ts";
import { ImageInputError } from "../../src/image/errors.ts";
import { fixture, patternPng } from "../server/helpers.ts";
import { decodeImage } from "../../src/image/decode.ts";
import { readJpegSegments, skipEntropyCodedData } from "../../src/image/jpeg_segments.ts";
import { readJpegOrientation } from "../../src/image/orientation.ts";
import { sniffImageHeader } from "../../src/image/sniff.ts";
import {
  cutWithEnd,
  faceJpeg,
  headersOnly,
  repeatFirstScan,
  scanWithoutData,
  withExifOrientation,
} from "./bad_images.ts";

function refusal(bytes: Uint8Array): ImageInputError | undefined {
  try {
    assertCompleteJpeg(bytes);
    return undefined;
  } catch (error) {
    assertOk(error instanceof ImageInputError, String(error));
    return error as ImageInputError;
  }
}

Deno.test("whole JPEGs (baseline with EXIF, progressive) pass", async () => {
  for (const name of ["fixtures/photos/group1.jpg", "e2e/fixtures/face.jpg"]) {
    assertEquals(refusal(await fixture(name)), undefined, name);
  }
});

Deno.test("a JPEG cut anywhere after its headers is a 422", async () => {
  for (const name of ["fixtures/photos/group1.jpg", "e2e/fixtures/face.jpg"]) {
    const bytes = await fixture(name);
    for (const fraction of [0.05, 0.3, 0.6, 0.99]) {
      const error = refusal(bytes.slice(0, Math.floor(bytes.length * fraction)));
      assertEquals([error?.status, error?.code], [422, "undecodable_image"], `${name} ${fraction}`);
    }
    // Only the final two bytes (the end-of-image marker) missing.
    assertEquals(refusal(bytes.slice(0, bytes.length - 2))?.status, 422);
  }
});

Deno.test("data after the end-of-image marker (motion photos) is allowed; non-JPEGs pass", async () => {
  const bytes = await fixture("e2e/fixtures/face.jpg");
  const withTrailer = new Uint8Array(bytes.length + 1000);
  withTrailer.set(bytes);
  withTrailer.fill(0x42, bytes.length);
  assertEquals(refusal(withTrailer), undefined);
  assertEquals(refusal(patternPng(8, 8)), undefined);
});

Deno.test("a JPEG that ends in FFD9 without its image data is a 422, not a grey image", async () => {
  const face = await faceJpeg();
  const expected = await decodeImage(face);
  const cases: [string, Uint8Array][] = [
    ["SOS then EOI", scanWithoutData(face)],
    ["no SOS", headersOnly(face)],
    ["cut at 50% + FFD9", cutWithEnd(face, 0.5)],
    ["cut at 99% + FFD9", cutWithEnd(face, 0.99)],
  ];
  const warn = console.warn;
  console.warn = () => {};
  try {
    for (const [name, bytes] of cases) {
      assertEquals(bytes[bytes.length - 1], 0xd9);
      const error = await decodeImage(bytes).then(() => undefined, (e) => e);
      assertEquals([error?.status, error?.code], [422, "undecodable_image"], name);
      assertOk(/incomplete/.test(error.message), `${name}: ${error.message}`);
      const image = await decodeImage(face);
      assertOk(image.data.every((v, i) => v === expected.data[i]), `face after ${name}`);
    }
  } finally {
    console.warn = warn;
  }
});

Deno.test("fill bytes before markers are skipped alike by size, orientation and completeness", async () => {
  const face = withExifOrientation(await faceJpeg(), 6);
  // FF fill bytes may precede any marker: put three before every marker of the headers.
  const { segments } = readJpegSegments(face);
  const parts: number[] = [0xff, 0xd8];
  for (const s of segments) parts.push(0xff, 0xff, 0xff, ...face.subarray(s.offset, s.end));
  const filled = Uint8Array.from([...parts, ...face.subarray(segments[segments.length - 1].end)]);
  assertEquals(sniffImageHeader(filled), { format: "jpeg", width: 640, height: 480 });
  assertEquals([readJpegOrientation(face), readJpegOrientation(filled)], [6, 6]);
  assertEquals(refusal(filled), undefined);
  const image = await decodeImage(filled);
  assertEquals([image.width, image.height], [480, 640]); // rotated as the EXIF tag says
});

Deno.test("between scans, segments follow the headers' rules: fill bytes pass, a bad length is a 422", async () => {
  const face = await faceJpeg();
  const expected = await decodeImage(face);
  const twoScans = repeatFirstScan(face, 1);
  const second = skipEntropyCodedData(twoScans, readJpegSegments(twoScans).segments.at(-1)!.end);
  assertEquals(twoScans[second.markerAt + 1], 0xda, "the second scan follows the first's data");
  assertOk(second.dataBytes > 0);
  /** `twoScans` with `bytes` inserted just before its second scan header. */
  const between = (bytes: number[]) =>
    Uint8Array.from([
      ...twoScans.subarray(0, second.markerAt),
      ...bytes,
      ...twoScans.subarray(second.markerAt),
    ]);
  // A comment with fill bytes before its marker, and a TEM marker, standalone (no length).
  const comment = [0xff, 0xff, 0xff, 0xfe, 0x00, 0x04, 0x68, 0x69];
  assertEquals(refusal(between(comment)), undefined);
  assertEquals(refusal(between([0xff, 0x01])), undefined);
  const image = await decodeImage(between(comment));
  assertEquals([image.width, image.height], [expected.width, expected.height]);
  // A segment length under 2 between scans, as in the headers, is refused before decoding.
  const bad = refusal(between([0xff, 0xfe, 0x00, 0x01]));
  assertEquals([bad?.status, bad?.code], [422, "undecodable_image"]);
  assertOk(/impossible length/.test(bad?.message ?? ""), bad?.message);
  const after = await decodeImage(face);
  assertOk(after.data.every((v, i) => v === expected.data[i]), "the face after the bad JPEG");
  // A segment cut short between scans leaves the image without its end marker.
  const cut = between([0xff, 0xfe, 0x00, 0x40, 0x68]).subarray(0, second.markerAt + 5);
  assertOk(/ends without an end-of-image marker/.test(refusal(cut)?.message ?? ""));
});

Deno.test("scans are bounded by scans x pixels, and refused before decoding", async () => {
  assertEquals([maxJpegScans(4096 * 4096), maxJpegScans(1920 * 1280), maxJpegScans(640 * 480)], [
    24,
    163,
    500,
  ]);
  const face = await faceJpeg();
  assertEquals(refusal(repeatFirstScan(face, 20)), undefined);
  const error = await decodeImage(repeatFirstScan(face, 500)).then(() => undefined, (e) => e);
  assertEquals(error?.status, 422);
  assertOk(/more than 500 scans/.test(error.message), error.message);
  const tight = (() => {
    try {
      assertCompleteJpeg(repeatFirstScan(face, 30), 24);
    } catch (e) {
      return e as Error;
    }
  })();
  assertOk(/more than 24 scans/.test(tight?.message ?? ""), tight?.message);
});

Deno.test("the segment walker says where and why it stopped", () => {
  const jpeg = [0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xda, 0, 2, 0x55];
  const walk = (bytes: number[]) => readJpegSegments(Uint8Array.from(bytes));
  assertEquals(walk(jpeg).end, "scan");
  assertEquals(walk(jpeg).segments.map((s) => [s.marker, s.start, s.end]), [
    [0xe0, 6, 8],
    [0xda, 12, 12],
  ]);
  assertEquals(walk(jpeg.slice(0, 7)).end, "truncated");
  assertEquals(walk([0xff, 0xd8, 0x12, 0x34]).end, "corrupt");
  assertEquals(walk([0xff, 0xd8, 0xff, 0xe0, 0, 1]).end, "corrupt"); // a length under 2
  assertEquals(walk([0xff, 0xd8, 0xff, 0xd9]).end, "eoi");
});
