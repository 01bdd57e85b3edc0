/**
 * `evaluate`, `compare` and `calibrate` take a model set: its split scores are the weighted mean
 * of its members' own scores (each with its own scale and mirror tie), equal to what the server's
 * set classifier gives for the same images; compare pairs a model with a set; the CLIs accept a
 * set folder.
 *
 * @module
 */
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk } from "../assert.ts";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier } from "../../src/classifier/load.ts";
import { scoreModelDir } from "../../training/score.ts";
import { compareModelDirs } from "../../training/compare/models.ts";
import { argmaxRows } from "../../training/metrics.ts";
import { TINY_SET_MEMBERS, writeTinySet } from "../classifier/tiny_set.ts";
import { runTrainingCli, writeSevenClassData } from "./eval_fixtures.ts";
import { withTempDir } from "../temp_dir.ts";

await useWasmBackend();

Deno.test("a set's split scores are its members' weighted mean, as the server's set classifier gives", async () => {
  await withTempDir("fer-set-eval-", async (dir) => {
    const data = join(dir, "data");
    await writeSevenClassData(data);
    const setDir = await writeTinySet(dir);
    for (const tta of ["none", "flip"] as const) {
      const set = await scoreModelDir(setDir, "PublicTest", { dataDir: data, tta });
      const [a, b] = await Promise.all(
        TINY_SET_MEMBERS.map((m) =>
          scoreModelDir(join(dir, m.path), "PublicTest", { dataDir: data, tta })
        ),
      );
      assertEquals(set.scores.length, 70 * 7);
      const [wa, wb] = TINY_SET_MEMBERS.map((m) => m.weight / 4);
      set.scores.forEach((p, i) =>
        assertAlmostEquals(p, wa * a.scores[i] + wb * b.scores[i], 1e-6)
      );
      assertEquals(set.selections, [undefined, undefined], "neither member held out Selection");
    }
    // The same images through the server's classifier: the same probabilities.
    const scored = await scoreModelDir(setDir, "PublicTest", { dataDir: data });
    const images = scored.evalSplit.split.images;
    const faces = Array.from({ length: 10 }, (_, i) => images.subarray(i * 2304, (i + 1) * 2304));
    const server = await loadClassifier(setDir, { warmUpBatches: [] });
    try {
      const served = await server.probabilities(faces);
      served.forEach((p, i) => assertAlmostEquals(p, scored.scores[i], 1e-5));
    } finally {
      server.dispose();
    }
  });
});

Deno.test("compare pairs a member with the set it is in", async () => {
  await withTempDir("fer-set-eval-", async (dir) => {
    const data = join(dir, "data");
    await writeSevenClassData(data);
    const setDir = await writeTinySet(dir);
    const member = join(dir, "b");
    const { result } = await compareModelDirs(member, setDir, "PublicTest", { dataDir: data });
    const predicted = async (m: string) => {
      const s = await scoreModelDir(m, "PublicTest", { dataDir: data });
      return { p: argmaxRows(s.scores, s.classes), labels: s.labels };
    };
    const [pa, pb] = [await predicted(member), await predicted(setDir)];
    const right = (p: ArrayLike<number>) => [...pa.labels].filter((l, i) => p[i] === l).length;
    assertEquals(result.count, 70);
    assertAlmostEquals(result.accuracyA, right(pa.p) / 70, 1e-12);
    assertAlmostEquals(result.accuracyB, right(pb.p) / 70, 1e-12);
    const onlyB = [...pa.labels].filter((l, i) => pa.p[i] !== l && pb.p[i] === l).length;
    assertEquals(result.mcnemar.c, onlyB);
    assertOk(pa.p.some((v, i) => v !== pb.p[i]), "the set and its member disagree somewhere");
  });
});

Deno.test("evaluate, compare and calibrate accept a set folder on the command line", async () => {
  await withTempDir("fer-set-cli-", async (dir) => {
    const data = join(dir, "data");
    await writeSevenClassData(data);
    const setDir = await writeTinySet(dir);
    const scored = await scoreModelDir(setDir, "PublicTest", { dataDir: data });
    const correct = [...argmaxRows(scored.scores, 7)].filter((p, i) =>
      p === scored.labels[i]
    ).length;
    const evaluated = await runTrainingCli("commands/evaluate.ts", [
      "--model",
      setDir,
      "--data",
      data,
      "--no-write",
    ]);
    assertEquals(evaluated.code, 0, evaluated.out);
    assertOk(evaluated.out.includes("model set: a 75% + b 25%"), evaluated.out);
    const accuracy = /accuracy\s+([\d.]+)%/i.exec(evaluated.out);
    assertOk(accuracy, evaluated.out);
    assertAlmostEquals(Number(accuracy[1]), (correct / 70) * 100, 0.06);
    const compared = await runTrainingCli("commands/compare.ts", [
      join(dir, "a"),
      setDir,
      "--data",
      data,
      "--json",
    ]);
    assertEquals(compared.code, 0, compared.out);
    const json = JSON.parse(compared.out.slice(compared.out.indexOf("{")));
    assertAlmostEquals(json.accuracyB, correct / 70, 1e-12);
    const fit = await runTrainingCli("commands/calibrate.ts", ["--model", setDir, "--data", data]);
    assertEquals(fit.code, 0, fit.out);
    const meta = JSON.parse(await Deno.readTextFile(join(setDir, "fer-model.json")));
    assertEquals([meta.kind, meta.members.length, meta.calibration.split], ["set", 2, "Selection"]);
    assertOk(meta.temperature > 0 && meta.temperature !== 1, `temperature ${meta.temperature}`);
    const served = await loadClassifier(setDir, { warmUpBatches: [] });
    assertEquals(served.temperature, meta.temperature, "the server applies the set's temperature");
    served.dispose();
  });
});
