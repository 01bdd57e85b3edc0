import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import {
  OUTPUT_DIR,
  packageBlazeFace,
  PACKAGED_MODELS,
  SOURCE_DIR,
} from "../../../tools/detector_build/build.ts";
import { parseTflite } from "../../../src/detector/tflite/model.ts";
import { METADATA_NAME, readInputImageMetadata } from "../../../tools/detector_build/metadata.ts";
import { addModelMetadata } from "../../../tools/detector_build/embed.ts";

for (const config of PACKAGED_MODELS) {
  Deno.test(`${config.file}: rebuilding gives the committed bytes`, async () => {
    const source = await Deno.readFile(new URL(config.file, SOURCE_DIR));
    const committed = await Deno.readFile(new URL(config.file, OUTPUT_DIR));
    const rebuilt = packageBlazeFace(source, config);
    assertEquals(rebuilt.length, committed.length);
    assertOk(
      rebuilt.every((b, i) => b === committed[i]),
      "bytes differ: run `deno task build:detector`",
    );
  });

  Deno.test(`${config.file}: packaged model keeps the graph and adds input metadata`, async () => {
    const source = parseTflite(await Deno.readFile(new URL(config.file, SOURCE_DIR)));
    const packaged = parseTflite(await Deno.readFile(new URL(config.file, OUTPUT_DIR)));
    assertEquals(packaged.operators.length, source.operators.length);
    assertEquals(
      packaged.operators.map((op) => op.opcode),
      source.operators.map((op) => op.opcode),
    );
    assertEquals(
      packaged.tensors.map((t) => [t.name, t.shape]),
      source.tensors.map((t) => [t.name, t.shape]),
    );
    // Weights survive the shift byte for byte.
    source.tensors.forEach((tensor, i) => {
      const after = packaged.tensors[i].data;
      assertEquals(after?.length, tensor.data?.length);
      if (tensor.data) {
        assertOk(tensor.data.every((b, k) => b === after![k]), `tensor ${tensor.name}`);
      }
      // Weight buffers stay 16-byte aligned in the file.
      if (after) assertEquals(after.byteOffset % 16, tensor.data!.byteOffset % 16);
    });
    assertEquals([...source.metadata.keys()], []);
    const metadata = readInputImageMetadata(packaged.metadata.get(METADATA_NAME)!);
    assertEquals(metadata, {
      colorSpace: 1,
      width: config.inputSize,
      height: config.inputSize,
      mean: [127.5],
      std: [127.5],
      minParserVersion: "1.0.0",
    });
  });
}

Deno.test("adding a metadata entry twice is refused", async () => {
  const packaged = await Deno.readFile(new URL(PACKAGED_MODELS[0].file, OUTPUT_DIR));
  await assertThrows(() => addModelMetadata(packaged, METADATA_NAME, new Uint8Array(4)), "already");
});

Deno.test("a file that is not a TFLite model is refused", async () => {
  await assertThrows(() => parseTflite(new TextEncoder().encode("not a model at all")), "TFL3");
});
