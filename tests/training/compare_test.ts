import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk, assertThrows } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { compareModelDirs, comparePairFiles } from "../../training/compare/models.ts";
import { matchPairs, parsePairRecords } from "../../training/compare/pairs.ts";
import { formatComparison } from "../../training/compare/format.ts";
import { scoreModelDir } from "../../training/evaluation.ts";
import { argmaxRows } from "../../training/metrics.ts";
import { writeNudgedTinyModel, writeSevenClassData } from "./eval_fixtures.ts";
import { withTempDir } from "../temp_dir.ts";

await useWasmBackend();

async function writeJson(path: string, value: unknown): Promise<string> {
  await Deno.writeTextFile(path, JSON.stringify(value));
  return path;
}

Deno.test("--pairs files: matched by id, names in FER order, null = wrong; the case by hand", async () => {
  await withTempDir("fer-compare-", async (dir) => {
    // A right on p1 p2 p3; B right on p2 p3 p4 p5; labels happy x3, sad x2.
    const a = await writeJson(join(dir, "a.json"), [
      { id: "p1", label: "happy", predicted: "happy" },
      { id: "p2", label: "happy", predicted: "happy" },
      { id: "p3", label: "sad", predicted: "sad" },
      { id: "p4", label: "sad", predicted: "happy" },
      { id: "p5", label: "happy", predicted: null },
    ]);
    // Another order, `file` for id, wrapped in { items }.
    const b = await writeJson(join(dir, "b.json"), {
      items: [
        { file: "p5", label: "happy", predicted: "happy" },
        { file: "p4", label: "sad", predicted: "sad" },
        { file: "p3", label: "sad", predicted: "sad" },
        { file: "p2", label: "happy", predicted: "happy" },
        { file: "p1", label: "happy", predicted: "neutral" },
      ],
    });
    const { result, heading } = await comparePairFiles(a, b, { resamples: 200 });
    assertEquals(heading.classNames, ["happy", "sad", "neutral"]); // FER order, not file order
    assertEquals([result.accuracyA, result.accuracyB], [3 / 5, 4 / 5]);
    assertEquals([result.mcnemar.b, result.mcnemar.c], [1, 2]);
    // n=3, P(X<=1) = 4/8, doubled: 1.
    assertEquals(result.mcnemar.p, 1);
    assertEquals(result.perClass.map((c) => [c.support, c.recallA, c.recallB]), [
      [3, 2 / 3, 2 / 3],
      [2, 1 / 2, 1],
      [0, 0, 0],
    ]);
    assertOk(
      heading.notes!.some((n) => n.includes("no answer for 1 of the items")),
      heading.notes!.join(),
    );
    const text = formatComparison(result, heading);
    assertOk(text.includes("McNemar exact: 1 items only A gets right, 2 only B"), text);
  });
});

Deno.test("--pairs files that do not pair up are refused, naming the item", async () => {
  const rec = (id: string, label: unknown, predicted: unknown = label) => ({
    id,
    label,
    predicted,
  });
  const one = parsePairRecords([rec("x", "happy"), rec("y", "sad")], "a");
  await assertThrows(
    () => matchPairs(one, parsePairRecords([rec("x", "happy")], "b")),
    "1 only in A (y)",
  );
  await assertThrows(
    () => matchPairs(one, parsePairRecords([rec("x", "happy"), rec("y", "angry")], "b")),
    'item y: label "sad" in A but "angry" in B',
  );
  await assertThrows(() => parsePairRecords([rec("x", "a"), rec("x", "b")], "f"), "appears twice");
  await assertThrows(() => parsePairRecords([{ label: "a" }], "f"), "f: item 1 has no id");
  await assertThrows(() => parsePairRecords([rec("x", "")], "f"), "label must be");
  await assertThrows(() => parsePairRecords({ rows: [] }, "f"), "expected an array");
  await assertThrows(
    () =>
      matchPairs(parsePairRecords([rec("x", 1)], "a"), parsePairRecords([rec("x", 1, "sad")], "b")),
    "mix class names and indices",
  );
  // Indices work too.
  const m = matchPairs(
    parsePairRecords([rec("x", 2, 0)], "a"),
    parsePairRecords([rec("x", 2)], "b"),
  );
  assertEquals([m.classNames, [...m.predictedA], [...m.predictedB]], [["0", "1", "2"], [0], [2]]);
});

Deno.test("two model folders: compare's counts are those of each model's own predictions", async () => {
  await withTempDir("fer-compare-", async (dir) => {
    const data = join(dir, "data");
    await writeSevenClassData(data);
    const [a, b] = [join(dir, "a"), join(dir, "b")];
    await writeNudgedTinyModel(a, 1);
    await writeNudgedTinyModel(b, 2);
    const { result, heading } = await compareModelDirs(a, b, "PublicTest", { dataDir: data });
    const own = async (m: string) => {
      const s = await scoreModelDir(m, "PublicTest", { dataDir: data });
      return { predicted: argmaxRows(s.scores, s.classes), labels: s.labels };
    };
    const [pa, pb] = [await own(a), await own(b)];
    let [right, bOnly, aOnly] = [0, 0, 0];
    pa.labels.forEach((label, i) => {
      const [ra, rb] = [pa.predicted[i] === label, pb.predicted[i] === label];
      if (ra) right++;
      if (ra && !rb) aOnly++;
      if (!ra && rb) bOnly++;
    });
    assertEquals(result.count, 70);
    assertAlmostEquals(result.accuracyA, right / 70, 1e-12);
    assertEquals([result.mcnemar.b, result.mcnemar.c], [aOnly, bOnly]);
    assertOk(aOnly + bOnly > 0, "the two nudged models disagree somewhere");
    assertEquals(heading.classNames, [...FER_EMOTIONS]);
    // Selection: neither model held it out, so the figures carry the warning.
    const selection = await compareModelDirs(a, b, "Selection", { dataDir: data });
    assertEquals(selection.result.count, 14); // round(10% of 20) = 2 per class
    assertOk(selection.heading.notes![0].includes("optimistic"), selection.heading.notes![0]);
  });
});

Deno.test("models that held out different Selection splits cannot be compared on it", async () => {
  await withTempDir("fer-compare-", async (dir) => {
    const data = join(dir, "data");
    await writeSevenClassData(data);
    const record = (seed: number, sha256: string) => ({
      training: { selection: { fraction: 0.1, seed, count: 14, of: 140, sha256 } },
    });
    await writeNudgedTinyModel(join(dir, "a"), 1, record(1, "aa"));
    await writeNudgedTinyModel(join(dir, "b"), 2, record(2, "bb"));
    await assertThrows(
      () => compareModelDirs(join(dir, "a"), join(dir, "b"), "Selection", { dataDir: data }),
      "held out different Selection splits",
    );
    // One model whose recorded split is not what this data gives: refused too.
    await assertThrows(
      () => scoreModelDir(join(dir, "a"), "Selection", { dataDir: data }),
      "another Selection split than the model held out",
    );
  });
});
