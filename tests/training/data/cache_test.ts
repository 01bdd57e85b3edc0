import { assertEquals, assertThrows } from "../../assert.ts";
import {
  CACHE_FORMAT_VERSION,
  featurePath,
  type PreparedManifest,
  type PreparedSplit,
  readManifest,
  readPreparedSplit,
  writeManifest,
  writePreparedSplit,
} from "../../../training/data/cache.ts";
import { FER_PIXELS } from "../../../src/face.ts";

function sampleSplit(count: number): PreparedSplit {
  const images = new Uint8Array(count * FER_PIXELS).map((_, i) => (i * 7) % 256);
  const labels = new Uint8Array(count).map((_, i) => i % 3);
  const hog = new Float32Array(count * 72).map((_, i) => i / 10);
  return { split: "Training", count, images, labels, features: { hog } };
}

function sampleManifest(count: number): PreparedManifest {
  return {
    formatVersion: CACHE_FORMAT_VERSION,
    labels: ["angry", "happy", "neutral"],
    expressions: [0, 3, 6],
    splits: { Training: { count, classCounts: [2, 2, 1] } },
    features: { hog: 72 },
    source: { path: "x.csv", bytes: 1, sha256: "00" },
    options: {},
  };
}

Deno.test("cache: a split survives a write/read round trip byte for byte", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const split = sampleSplit(5);
    await writePreparedSplit(dir, split);
    await writeManifest(dir, sampleManifest(5));
    const back = await readPreparedSplit(dir, "Training");
    assertEquals(back.count, 5);
    assertEquals(back.images, split.images);
    assertEquals(back.labels, split.labels);
    assertEquals(back.features.hog, split.features.hog);
    const noFeatures = await readPreparedSplit(dir, "Training", { features: [] });
    assertEquals(Object.keys(noFeatures.features), []);
    assertEquals((await readManifest(dir)).expressions, [0, 3, 6]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache: missing data, absent splits, unknown features and truncation are clear errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assertThrows(() => readManifest(dir), "deno task prepare");
    await writePreparedSplit(dir, sampleSplit(5));
    await writeManifest(dir, sampleManifest(5));
    await assertThrows(() => readPreparedSplit(dir, "PrivateTest"), "split PrivateTest is not in");
    await assertThrows(
      () => readPreparedSplit(dir, "Training", { features: ["landmarks"] }),
      "was not prepared",
    );
    await Deno.writeFile(featurePath(dir, "Training", "hog"), new Uint8Array(10));
    await assertThrows(() => readPreparedSplit(dir, "Training"), "expected 1440");
    await Deno.writeTextFile(`${dir}/manifest.json`, '{"formatVersion": 0}');
    await assertThrows(() => readManifest(dir), "format version 0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cache: writePreparedSplit rejects inconsistent sizes", async () => {
  const split = sampleSplit(2);
  await assertThrows(
    () => writePreparedSplit("/nonexistent", { ...split, labels: new Uint8Array(3) }),
    "3 labels for 2 images",
  );
});
