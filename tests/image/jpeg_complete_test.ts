import { assertEquals, assertOk } from "../assert.ts";
import { assertCompleteJpeg } from "../../src/image/jpeg_complete.ts";
import { ImageInputError } from "../../src/image/errors.ts";
import { fixture, patternPng } from "../server/helpers.ts";

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
