import { assertEquals, assertThrows } from "../assert.ts";
import { roundFaceScores, toFaceScores } from "../../src/classifier/postprocess.ts";
import { packFaceInput, splitFaces } from "../../src/classifier/preprocess.ts";
import { FER_INPUT } from "../../src/model/metadata.ts";

const f32 = (v: number) => new Float32Array([v])[0];

Deno.test("toFaceScores keys rows by label and picks the argmax (first on ties)", async () => {
  const labels = ["a", "b", "c"];
  const rows = toFaceScores(new Float32Array([0.2, 0.5, 0.3, 0.4, 0.2, 0.4]), 2, labels);
  assertEquals(rows[0], {
    emotion: "b",
    confidence: f32(0.5),
    scores: { a: f32(0.2), b: f32(0.5), c: f32(0.3) },
  });
  assertEquals(Object.keys(rows[0].scores), labels);
  assertEquals([rows[1].emotion, rows[1].confidence], ["a", f32(0.4)]);
  await assertThrows(() => toFaceScores(new Float32Array(5), 2, labels), "expected 2 x 3");
  await assertThrows(() => toFaceScores(new Float32Array(0), 0, []), "expected 0 x 0");
});

Deno.test("packFaceInput scales each byte as the metadata says and checks sizes", async () => {
  const face = new Uint8Array(2304);
  face[0] = 255;
  face[2303] = 51;
  const x = packFaceInput([new Uint8Array(2304), face], {
    ...FER_INPUT,
    scale: 2 / 255,
    offset: -1,
  });
  assertEquals(x.length, 4608);
  assertEquals([x[0], x[2304], x[4607]], [-1, 1, f32(51 * (2 / 255) - 1)]);
  await assertThrows(() => packFaceInput([new Uint8Array(2303)], FER_INPUT), "2303 bytes");
});

Deno.test("splitFaces cuts a compact batch into views and refuses partial faces", async () => {
  const batch = new Uint8Array(3 * 2304).map((_, i) => Math.floor(i / 2304));
  const faces = splitFaces(batch, 2304);
  assertEquals(faces.map((f) => [f.length, f[0], f[2303]]), [[2304, 0, 0], [2304, 1, 1], [
    2304,
    2,
    2,
  ]]);
  await assertThrows(() => splitFaces(batch.subarray(1), 2304), "(2 faces and 2303 bytes over)");
  await assertThrows(() => splitFaces(new Uint8Array(0), 2304), "got 0 bytes");
});

Deno.test("roundFaceScores rounds every probability to 4 decimals by default", () => {
  const face = { emotion: "b", confidence: 0.123456, scores: { a: 0.876544, b: 0.123456 } };
  assertEquals(roundFaceScores(face), {
    emotion: "b",
    confidence: 0.1235,
    scores: { a: 0.8765, b: 0.1235 },
  });
  assertEquals(roundFaceScores(face, 2).scores, { a: 0.88, b: 0.12 });
});
