import {
  PACKED_LOADER_FILE,
  parsePackedAssetIndex,
  readPackedAsset,
} from "../../../training/landmarks/assets.ts";
import {
  connectionPoints,
  CONTOUR_PARTS,
  contourSubset,
} from "../../../training/landmarks/subset.ts";
import { parseTflite } from "../../../src/detector/tflite/model.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

const LOADER = `var x = {a: "}"}; function loadPackage(metadata) { return metadata; }
loadPackage({"files": [{"filename": "/m/a.tflite", "start": 0, "end": 4},
 {"filename": "/m/b \\"q\\" {x}.bin", "start": 4, "end": 10}], "remote_package_size": 10});`;

Deno.test("parsePackedAssetIndex reads the last loadPackage call, braces inside strings included", () => {
  assertEquals(parsePackedAssetIndex(LOADER), [
    { filename: "/m/a.tflite", start: 0, end: 4 },
    { filename: '/m/b "q" {x}.bin', start: 4, end: 10 },
  ]);
});

Deno.test("parsePackedAssetIndex rejects loaders without an index or with bad entries", async () => {
  await assertThrows(() => parsePackedAssetIndex("nothing here"), "no loadPackage");
  await assertThrows(() => parsePackedAssetIndex("loadPackage({files: []})"), "not JSON");
  await assertThrows(
    () =>
      parsePackedAssetIndex('loadPackage({"files": [{"filename": "a", "start": 5, "end": 2}]})'),
    "entry 0 is malformed",
  );
  await assertThrows(() => parsePackedAssetIndex('loadPackage({"other": 1})'), "has no files");
});

Deno.test("readPackedAsset extracts a parseable face_landmark.tflite from the installed package", async () => {
  const bytes = await readPackedAsset("face_landmark.tflite");
  const model = parseTflite(bytes);
  assertEquals(model.tensors[model.inputs[0]].shape, [1, 192, 192, 3]);
  assertEquals(model.outputs.map((i) => model.tensors[i].shape), [[1, 1, 1, 1404], [1, 1, 1, 1]]);
});

Deno.test("readPackedAsset names the packed files when asked for a missing one", async () => {
  await assertThrows(() => readPackedAsset("dlib_68.dat"), "face_landmark.tflite");
  const empty = new URL(`file://${Deno.makeTempDirSync()}/`);
  await assertThrows(() => readPackedAsset("face_landmark.tflite", empty), "deno install");
  Deno.writeTextFileSync(new URL(PACKED_LOADER_FILE, empty), LOADER);
  Deno.writeFileSync(new URL("face_mesh_solution_packed_assets.data", empty), new Uint8Array(6));
  await assertThrows(() => readPackedAsset('b "q" {x}.bin', empty), "truncated");
  assertEquals(await readPackedAsset("a.tflite", empty), new Uint8Array(4));
});

Deno.test("contourSubset: 128 distinct mesh points from MediaPipe's six contour lists", () => {
  const subset = contourSubset();
  assertEquals(subset.length, 128);
  assertEquals(new Set(subset).size, 128);
  assertOk(subset.every((p) => Number.isInteger(p) && p >= 0 && p < 468));
  // Forehead top (10) and chin (152) are on the face oval; 0 and 17 are the lip midline.
  for (const point of [10, 152, 0, 17]) assertOk(subset.includes(point), `missing ${point}`);
  assertEquals(CONTOUR_PARTS.length, 6);
});

Deno.test("connectionPoints keeps first-seen order without repeats", () => {
  assertEquals(connectionPoints([[3, 1], [1, 2], [2, 3]]), [3, 1, 2]);
});
