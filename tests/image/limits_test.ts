/** Header limits: images too thin for the pipeline are refused before any decoding. */
import { assertEquals, assertOk } from "../assert.ts";
import { decodeImage, DEFAULT_MAX_ASPECT_RATIO } from "../../src/image/decode.ts";
import { whitePng } from "./bad_images.ts";

async function refusal(bytes: Uint8Array, options = {}) {
  return await decodeImage(bytes, options).then(() => undefined, (e) => e);
}

Deno.test("images thinner than 50:1 are refused from the header with extreme_aspect_ratio", async () => {
  assertEquals(DEFAULT_MAX_ASPECT_RATIO, 50);
  for (const [width, height] of [[1, 721], [1, 4096], [721, 1], [20, 1001]]) {
    const error = await refusal(whitePng(width, height));
    assertEquals([error?.status, error?.code], [422, "extreme_aspect_ratio"], `${width}x${height}`);
    assertOk(error.message.includes(`${width}x${height}`), error.message);
  }
  const strip = await decodeImage(whitePng(20, 1000)); // exactly 50:1 is allowed
  assertEquals([strip.width, strip.height], [20, 1000]);
  assertEquals(
    (await refusal(whitePng(20, 1000), { maxAspectRatio: 10 }))?.code,
    "extreme_aspect_ratio",
  );
});

Deno.test("a 32 KB PNG of 1x16777216 pixels (exactly the pixel limit) is refused at once", async () => {
  const png = whitePng(1, 16777216);
  assertOk(png.length < 40_000, `${png.length} bytes`);
  const started = performance.now();
  const error = await refusal(png);
  const ms = performance.now() - started;
  assertEquals([error?.status, error?.code], [422, "extreme_aspect_ratio"]);
  assertOk(ms < 100, `refused in ${ms.toFixed(0)} ms: nothing was decoded`);
});
