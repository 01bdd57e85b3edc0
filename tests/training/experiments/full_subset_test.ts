import { join } from "node:path";
import {
  type PreparedSplit,
  readManifest,
  readPreparedSplit,
  writeManifest,
  writePreparedSplit,
} from "../../../training/data/cache.ts";
import { FER_EMOTIONS } from "../../../src/face.ts";
import { ensureExpressionSubset } from "../../../training/experiments/full/subset_data.ts";
import { FIVE_EXPRESSIONS } from "../../../training/experiments/grid.ts";
import { assertEquals, assertOk, assertThrows } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import { syntheticSplit } from "../../training/synthetic.ts";

/** 7-class prepared data with two features; feature values and pixels encode the row. */
async function writeSeven(dir: string, sha256: string): Promise<PreparedSplit[]> {
  const splits = [
    syntheticSplit("Training", 35, 7, 1, 3),
    syntheticSplit("PublicTest", 14, 7, 2, 3),
  ];
  const counts: Record<string, { count: number; classCounts: number[] }> = {};
  for (const split of splits) {
    split.features.landmarks = Float32Array.from({ length: split.count * 2 }, (_, i) => i);
    await writePreparedSplit(dir, split);
    counts[split.split] = { count: split.count, classCounts: Array(7).fill(split.count / 7) };
  }
  await writeManifest(dir, {
    formatVersion: 1,
    labels: [...FER_EMOTIONS],
    expressions: [0, 1, 2, 3, 4, 5, 6],
    splits: counts,
    features: { hog: 3, landmarks: 2 },
    source: { path: "x.csv", bytes: 1, sha256 },
    options: { expressions: [0, 1, 2, 3, 4, 5, 6] },
  });
  return splits;
}

Deno.test("ensureExpressionSubset cuts the 5 expressions as prepare --expressions would", async () => {
  await withTempDir("fer-subset-", async (dir) => {
    const source = join(dir, "seven");
    const out = join(dir, "five");
    const splits = await writeSeven(source, "aaa");
    assertOk(await ensureExpressionSubset(source, out, FIVE_EXPRESSIONS));
    const manifest = await readManifest(out);
    assertEquals(manifest.labels, ["angry", "happy", "sad", "surprise", "neutral"]);
    assertEquals(manifest.expressions, [0, 3, 4, 5, 6]);
    assertEquals(manifest.splits.Training, { count: 25, classCounts: [5, 5, 5, 5, 5] });
    assertEquals(manifest.features, { hog: 3, landmarks: 2 });
    for (const original of splits) {
      const cut = await readPreparedSplit(out, original.split);
      const rows = [...original.labels.keys()].filter((i) =>
        [0, 3, 4, 5, 6].includes(original.labels[i])
      );
      assertEquals(cut.count, rows.length);
      rows.forEach((row, j) => {
        assertEquals(cut.labels[j], [0, 3, 4, 5, 6].indexOf(original.labels[row]));
        assertEquals(cut.images[j * 2304 + 100], original.images[row * 2304 + 100]);
        assertEquals(
          [...cut.features.landmarks.subarray(j * 2, j * 2 + 2)],
          [row * 2, row * 2 + 1],
        );
        assertEquals(cut.features.hog[j * 3 + 2], original.features.hog[row * 3 + 2]);
      });
    }
    // Up to date: nothing written. From another CSV: cut again.
    assertEquals(await ensureExpressionSubset(source, out, FIVE_EXPRESSIONS), false);
    await writeSeven(source, "bbb");
    assertOk(await ensureExpressionSubset(source, out, FIVE_EXPRESSIONS));
    assertEquals((await readManifest(out)).source.sha256, "bbb");
  });
});

Deno.test("ensureExpressionSubset refuses data that is already a subset", async () => {
  await withTempDir("fer-subset-", async (dir) => {
    await writeSeven(join(dir, "seven"), "aaa");
    await ensureExpressionSubset(join(dir, "seven"), join(dir, "five"), FIVE_EXPRESSIONS);
    await assertThrows(
      () => ensureExpressionSubset(join(dir, "five"), join(dir, "x"), FIVE_EXPRESSIONS),
      "must hold all 7 expressions",
    );
  });
});
