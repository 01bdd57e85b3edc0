import { assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";
import { applyFerPlus, readFerPlusVotes } from "../../../training/targets/ferplus.ts";
import { syntheticSplit } from "../synthetic.ts";

const HEADER =
  "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF";

async function votesFile(rows: string[]): Promise<string> {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  await Deno.writeTextFile(path, [HEADER, ...rows].join("\r\n") + "\r\n");
  return path;
}

Deno.test("FER+ votes become 8-class distributions; unknown/NF majorities and non-faces are dropped", async () => {
  const path = await votesFile([
    "Training,fer0.png,4,0,0,1,3,2,0,0,0,0", // neutral 4, sadness 1, anger 3, disgust 2
    "Training,fer1.png,0,0,0,0,0,0,0,0,6,4", // unknown majority -> dropped
    "Training,,0,0,0,0,0,0,0,0,0,10", // not a face -> dropped
    "Training,fer3.png,0,0,0,0,0,0,0,10,0,0", // contempt
    "PublicTest,fer4.png,0,9,1,0,0,0,0,0,0,0",
  ]);
  try {
    const votes = await readFerPlusVotes(path);
    assertEquals(votes.Training!.count, 4);
    assertEquals(votes.PublicTest!.count, 1);
    const split = syntheticSplit("Training", 4, 2, 1, 3);
    const { split: kept, targets, dropped } = applyFerPlus(split, votes.Training!);
    assertEquals(dropped, 2);
    assertEquals(kept.count, 2);
    assertEquals(kept.features.hog.length, 2 * 3);
    // order: angry, disgust, fear, happy, sad, surprise, neutral, contempt
    const first = [...targets.subarray(0, 8)];
    [0.3, 0.2, 0, 0, 0.1, 0, 0.4, 0].forEach((v, i) => assertAlmostEquals(first[i], v, 1e-6));
    assertEquals(targets[8 + 7], 1);
    assertEquals([...kept.images.subarray(2304, 2304 * 2)], [...split.images.subarray(2304 * 3)]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("FER+ refuses prepared data that does not line up row for row", async () => {
  const path = await votesFile(["Training,fer0.png,10,0,0,0,0,0,0,0,0,0"]);
  try {
    const votes = await readFerPlusVotes(path);
    await assertThrows(
      () => applyFerPlus(syntheticSplit("Training", 3, 2, 1), votes.Training!),
      "FER+ has 1",
    );
  } finally {
    await Deno.remove(path);
  }
});
