import { assertAlmostEquals, assertEquals, assertThrows } from "../../assert.ts";
import { readFerPlusVotes } from "../../../training/targets/ferplus.ts";
import {
  firstVotes,
  mixFerPlusVotes,
  sevenClassVotes,
} from "../../../training/targets/ferplus_mix.ts";

const HEADER =
  "Usage,Image name,neutral,happiness,surprise,sadness,anger,disgust,fear,contempt,unknown,NF";

async function trainingVotes(rows: string[]) {
  const path = await Deno.makeTempFile({ suffix: ".csv" });
  try {
    await Deno.writeTextFile(path, [HEADER, ...rows.map((r) => `Training,${r}`)].join("\n"));
    return (await readFerPlusVotes(path)).Training!;
  } finally {
    await Deno.remove(path);
  }
}

const ROWS = [
  "fer0.png,4,0,0,1,3,0,0,2,0,0", // neutral 4, sadness 1, anger 3, contempt 2 (not a FER2013 class)
  "fer1.png,0,0,0,0,0,0,0,0,6,4", // unknown majority: no usable votes
  "fer2.png,0,0,0,0,0,0,0,10,0,0", // contempt only: no usable votes
  ",0,0,0,0,0,0,0,0,0,10", // not a face
];

Deno.test("FER+ votes over FER2013's seven classes: contempt left out, unusable rows skipped", async () => {
  const votes = await trainingVotes(ROWS);
  // FER2013 order: angry, disgust, fear, happy, sad, surprise, neutral; contempt's 2 votes dropped.
  const first = [...sevenClassVotes(votes, 0)!];
  [3 / 8, 0, 0, 0, 1 / 8, 0, 4 / 8].forEach((v, i) => assertAlmostEquals(first[i], v, 1e-6));
  assertEquals([1, 2, 3].map((i) => sevenClassVotes(votes, i)), [undefined, undefined, undefined]);
});

Deno.test("mixing replaces a share of every view's teacher scores; images without votes keep theirs", async () => {
  const votes = await trainingVotes(ROWS);
  const uniform = Math.fround(1 / 7);
  // Two views of four images, view-major, as --teacher-views lays them out.
  const scores = new Float32Array(2 * 4 * 7).fill(uniform);
  const { scores: mixed, mixed: count } = mixFerPlusVotes(scores, votes, 0.25);
  assertEquals(count, 1);
  for (const view of [0, 1]) {
    const at = view * 4 * 7;
    assertAlmostEquals(mixed[at + 6], 0.75 * uniform + 0.25 * 0.5, 1e-6); // neutral
    assertAlmostEquals(mixed[at + 1], 0.75 * uniform, 1e-6); // disgust: no votes
    const total = mixed.subarray(at, at + 7).reduce((a, b) => a + b, 0);
    assertAlmostEquals(total, 1, 1e-6);
    for (let c = 7; c < 4 * 7; c++) assertEquals(mixed[at + c], scores[at + c]);
  }
  assertEquals(scores[6], uniform); // the input is not modified
});

Deno.test("mixing refuses votes that do not line up with the scored images", async () => {
  const votes = await trainingVotes(ROWS);
  assertThrows(() => mixFerPlusVotes(new Float32Array(3 * 7), votes, 0.2), "FER+ votes cover 4");
  const limited = firstVotes(votes, 3);
  assertEquals(limited.count, 3);
  assertEquals(mixFerPlusVotes(new Float32Array(3 * 7), limited, 0.2).mixed, 1);
});
