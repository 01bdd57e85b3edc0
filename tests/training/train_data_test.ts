import { join } from "node:path";
import { assertEquals, assertOk } from "../assert.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { defaultConfig, mergeConfig } from "../../training/config.ts";
import { photoRowMask, readRunData } from "../../training/train_data.ts";
import { sevenClassVotes } from "../../training/targets/ferplus_mix.ts";
import { complementIndices, selectionIndices } from "../../training/selection.ts";
import { syntheticSplit, writeSyntheticPrepared } from "./synthetic.ts";
import { withTempDir } from "../temp_dir.ts";

/** FER+ column of each FER2013 label (angry..neutral). */
const COLUMN = [4, 5, 6, 1, 3, 2, 0];

/**
 * A FER+ votes CSV whose row i gives all ten votes to image i's own label, except every 11th
 * row, which has no image (FER+ "not a face"): misaligned votes would disagree with the labels.
 */
function votesCsv(splits: { usage: string; labels: Uint8Array }[]): string {
  const lines = [
    "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF",
  ];
  for (const { usage, labels } of splits) {
    labels.forEach((label, i) => {
      const votes = new Array(10).fill(0);
      votes[COLUMN[label]] = 10;
      lines.push(`${usage},${i % 11 === 0 ? "" : `fer${i}.png`},${votes.join(",")}`);
    });
  }
  return lines.join("\n") + "\n";
}

Deno.test("FER+ votes are cut along the same rows as the Selection split", async () => {
  await withTempDir("fer-train-data-", async (dir) => {
    const training = syntheticSplit("Training", 140, 7, 1);
    const publicTest = syntheticSplit("PublicTest", 35, 7, 2);
    const data = join(dir, "data");
    await writeSyntheticPrepared(data, [training, publicTest], [...FER_EMOTIONS]);
    const ferplus = join(dir, "votes.csv");
    await Deno.writeTextFile(
      ferplus,
      votesCsv([{ usage: "Training", labels: training.labels }, {
        usage: "PublicTest",
        labels: publicTest.labels,
      }]),
    );
    const selection = { fraction: 0.2, seed: 5 };
    const held = selectionIndices(training.labels, selection);
    const droppedHeld = [...held].filter((i) => i % 11 === 0).length;

    // FER+ mode: soft targets follow their own images.
    const soft = await readRunData(
      mergeConfig(defaultConfig("default"), { data, labels: "ferplus", ferplus, selection }),
      [...FER_EMOTIONS],
    );
    assertEquals(soft.val.name, "Selection");
    assertEquals(soft.val.split.count, held.length - droppedHeld);
    assertEquals(soft.ferplusDropped!.val, droppedHeld);
    assertEquals(
      soft.train.split.count + soft.val.split.count + soft.ferplusDropped!.train + droppedHeld,
      140,
    );
    assertEquals(soft.report.name, "PublicTest");
    for (const part of [soft.train, soft.val, soft.report]) {
      part.split.labels.forEach((label, j) => {
        const row = part.softTargets!.subarray(j * 8, j * 8 + 8);
        assertEquals(row[label], 1, `${part.name} image ${j}: its votes are for its label`);
      });
    }
    assertEquals(soft.labels.length, 8);

    // FER2013 mode with the votes mixed into a teacher: the votes line up with the train images.
    const mixed = await readRunData(
      mergeConfig(defaultConfig("default"), {
        data,
        ferplus,
        ferplusWeight: 0.3,
        teacher: "t",
        selection,
      }),
      [...FER_EMOTIONS],
    );
    assertEquals(mixed.train.split.count, 140 - held.length);
    assertEquals(mixed.trainVotes!.count, mixed.train.split.count);
    let usable = 0;
    mixed.train.split.labels.forEach((label, j) => {
      const votes = sevenClassVotes(mixed.trainVotes!, j);
      if (!votes) return;
      usable++;
      assertEquals(votes[label], 1, `train image ${j}`);
    });
    assertOk(usable > 100, `${usable} usable rows`);
  });
});

Deno.test("without the split, the run reads all of Training and PublicTest for both choosing and reporting", async () => {
  await withTempDir("fer-train-data-", async (dir) => {
    const data = join(dir, "data");
    await writeSyntheticPrepared(
      data,
      [syntheticSplit("Training", 40, 4, 1), syntheticSplit("PublicTest", 12, 4, 2)],
      ["a", "b", "c", "d"],
    );
    const old = await readRunData(
      mergeConfig(defaultConfig("default"), { data, selection: null } as never),
      ["a", "b", "c", "d"],
    );
    assertEquals([old.train.split.count, old.val.split.count, old.val.name], [
      40,
      12,
      "PublicTest",
    ]);
    assertEquals(old.report, old.val);
    assertEquals(old.selection, undefined);
    const limited = await readRunData(
      mergeConfig(defaultConfig("default"), { data, limit: 8 }),
      ["a", "b", "c", "d"],
    );
    assertEquals([limited.train.split.count, limited.val.split.count, limited.report.split.count], [
      8,
      4, // Selection holds 4 (1 per class) before the limit
      8,
    ]);
    assertEquals(limited.selection!.count, 4);
  });
});

Deno.test("the photo crops prepare:photos appended are marked, along the Selection and limit cuts", async () => {
  assertEquals(photoRowMask({}, 5), undefined);
  assertEquals([...photoRowMask({ photos: { crops: 2, repeat: 2 } }, 6)!], [0, 0, 1, 1, 1, 1]);
  for (const bad of [{ crops: 4, repeat: 2 }, { crops: "4", repeat: 1 }]) {
    let threw = false;
    try {
      photoRowMask({ photos: bad }, 6);
    } catch {
      threw = true;
    }
    assertOk(threw, `photos ${JSON.stringify(bad)} refused`);
  }
  await withTempDir("fer-train-data-", async (dir) => {
    const data = join(dir, "data");
    const training = syntheticSplit("Training", 70, 7, 1);
    await writeSyntheticPrepared(
      data,
      [training, syntheticSplit("PublicTest", 14, 7, 2)],
      [...FER_EMOTIONS],
      { photos: { crops: 5, repeat: 2 } }, // the last 10 of 70 rows
    );
    const selection = { fraction: 0.2, seed: 5 };
    const run = await readRunData(
      mergeConfig(defaultConfig("default"), { data, selection }),
      [...FER_EMOTIONS],
    );
    const trainRows = complementIndices(70, selectionIndices(training.labels, selection));
    assertEquals(run.trainPhotoRows!.length, run.train.split.count);
    assertEquals([...run.trainPhotoRows!], [...trainRows].map((row) => row >= 60 ? 1 : 0));
    const limited = await readRunData(
      mergeConfig(defaultConfig("default"), { data, selection: null, limit: 65 } as never),
      [...FER_EMOTIONS],
    );
    assertEquals(limited.trainPhotoRows!.length, 65);
    assertEquals(limited.trainPhotoRows!.reduce((a, b) => a + b, 0), 5);
  });
});
