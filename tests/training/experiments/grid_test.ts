import { buildGrid, cellExpressions, FEATURE_SETS } from "../../../training/experiments/grid.ts";
import { selectExpressions } from "../../../training/experiments/subset.ts";
import type { PreparedSplit } from "../../../training/data/cache.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";

Deno.test("the full grid: 4 feature sets x (SVM + A/B with and without BN) x 5/7 = 40 cells", () => {
  const cells = buildGrid();
  assertEquals(cells.length, 40);
  assertEquals(new Set(cells.map((c) => c.id)).size, 40);
  assertEquals(cells.filter((c) => c.model === "svm").length, 8);
  assertOk(cells.filter((c) => c.model === "svm").every((c) => !c.batchNorm));
  // Cheap cells first: the SVM block precedes every CNN cell, 5 classes before 7.
  assertEquals(cells.slice(0, 8).map((c) => c.model), Array(8).fill("svm"));
  assertEquals(cells[0].id, "svm-raw-5");
  assertEquals(cells[8].id, "a-bn-raw-5");
  assertEquals(cells.at(-1)!.id, "b-nobn-lm-hogw-7");
  assertEquals(FEATURE_SETS.map((f) => f.features.join("+")), [
    "",
    "landmarks",
    "landmarks+hog",
    "landmarks+hogWindows",
  ]);
});

Deno.test("grid selection filters and rejects unknown names", async () => {
  const cells = buildGrid({ models: ["a"], featureSets: ["lm"], classes: [5], batchNorm: [false] });
  assertEquals(cells.map((c) => c.id), ["a-nobn-lm-5"]);
  assertEquals(cellExpressions(cells[0]), [0, 3, 4, 5, 6]);
  await assertThrows(() => buildGrid({ models: ["c" as "a"] }), "unknown model c");
  await assertThrows(() => buildGrid({ featureSets: ["pixels"] }), "unknown feature set pixels");
  await assertThrows(() => buildGrid({ classes: [6 as 5] }), "5 or 7");
});

Deno.test("selectExpressions keeps, re-indexes and limits rows with their features", () => {
  const count = 6;
  const images = new Uint8Array(count * 2304).map((_, i) => Math.floor(i / 2304));
  const split: PreparedSplit = {
    split: "Training",
    count,
    images,
    labels: new Uint8Array([0, 1, 3, 6, 2, 3]),
    features: { hog: new Float32Array(count * 2).map((_, i) => i) },
  };
  const five = selectExpressions(split, [0, 3, 4, 5, 6]);
  assertEquals([...five.labels], [0, 1, 4, 1]);
  assertEquals([five.images[0], five.images[2304], five.images[3 * 2304]], [0, 2, 5]);
  assertEquals([...five.features.hog], [0, 1, 4, 5, 6, 7, 10, 11]);
  const limited = selectExpressions(split, [3, 0], 2);
  assertEquals([limited.count, ...limited.labels], [2, 1, 0]);
});
