/**
 * `deno task calibrate`, `evaluate` and `compare` through their CLIs on the tiny model and
 * synthetic data: the fitted temperature lands in fer-model.json (nothing else changes), evaluate
 * then reports the calibration with it and draws the reliability diagram, refused runs write
 * nothing, and compare prints the paired statistics of two prediction files.
 *
 * @module
 */
import { join } from "node:path";
import { assertAlmostEquals, assertEquals, assertOk } from "../../assert.ts";
import { reliabilitySvg } from "../../../training/reliability_chart.ts";
import { reliability } from "../../../training/stats/calibration.ts";
import { runTrainingCli, writeNudgedTinyModel, writeSevenClassData } from "../eval_fixtures.ts";
import { withTempDir } from "../../temp_dir.ts";
import { useWasmBackend } from "../../../src/backend.ts";

await useWasmBackend();

Deno.test("calibrate stores the fitted temperature; evaluate then shows the calibrated figures", async () => {
  await withTempDir("fer-calibrate-", async (dir) => {
    const data = join(dir, "data");
    const model = join(dir, "model");
    await writeSevenClassData(data);
    await writeNudgedTinyModel(model, 3);
    const metaPath = join(model, "fer-model.json");
    const original = await Deno.readTextFile(metaPath);

    // Refused: reporting on the fit split. Nothing written.
    const same = await runTrainingCli("commands/calibrate.ts", [
      "--model",
      model,
      "--data",
      data,
      "--split",
      "PublicTest",
      "--report",
      "PublicTest",
    ]);
    assertOk(same.code !== 0 && same.out.includes("is the fit split"), same.out);
    const dry = await runTrainingCli("commands/calibrate.ts", [
      "--model",
      model,
      "--data",
      data,
      "--no-write",
    ]);
    assertEquals(dry.code, 0, dry.out);
    assertEquals(await Deno.readTextFile(metaPath), original, "--no-write leaves fer-model.json");

    const fit = await runTrainingCli("commands/calibrate.ts", ["--model", model, "--data", data]);
    assertEquals(fit.code, 0, fit.out);
    // The tiny model never saw Training: the warning is about its fer-model.json saying so.
    assertOk(fit.out.includes("was trained on all of Training"), fit.out);
    const t = Number(/temperature (\d+\.\d+) fitted on Selection \(14 images/.exec(fit.out)?.[1]);
    assertOk(t > 0, fit.out);
    const reported = /PublicTest: NLL [\d.]+ -> [\d.]+, ECE [\d.]+% -> ([\d.]+)%/.exec(fit.out);
    assertOk(reported, fit.out);
    const after = JSON.parse(await Deno.readTextFile(metaPath));
    assertAlmostEquals(after.temperature, t, 1e-4);
    assertEquals([after.calibration.split, after.calibration.count, after.calibration.tta], [
      "Selection",
      14,
      "none",
    ]);
    const { temperature: _t, calibration: _c, ...rest } = after;
    assertEquals(rest, JSON.parse(original), "every other field is kept");

    const evaluated = await runTrainingCli("commands/evaluate.ts", [
      "--model",
      model,
      "--data",
      data,
    ]);
    assertEquals(evaluated.code, 0, evaluated.out);
    const shown = /with fer-model.json's temperature T = [\d.]+: ECE ([\d.]+)%/.exec(evaluated.out);
    assertOk(shown, evaluated.out);
    assertEquals(shown[1], reported[1], "evaluate's calibrated ECE is calibrate's reported one");
    const metrics = JSON.parse(await Deno.readTextFile(join(model, "metrics.json")));
    assertAlmostEquals(metrics.PublicTest.calibration.temperature, t, 1e-4);
    assertEquals(metrics.PublicTest.calibration.bins.length, 15);
    const svg = await Deno.readTextFile(join(model, "reliability.svg"));
    assertOk(svg.startsWith("<svg") && svg.includes("before the temperature"), svg.slice(0, 200));
  });
});

Deno.test("the reliability diagram draws one accuracy bar and one gap per non-empty bin", () => {
  const table = reliability([0.9, 0.1, 0.2, 0.8, 0.4, 0.6], [0, 0, 1], 2, 15);
  const svg = reliabilitySvg(table, "a <b> & c");
  const bars = svg.match(/fill="#1f77b4" fill-opacity="0.85"/g) ?? [];
  const gaps = svg.match(/fill="#d62728" fill-opacity="0.35"/g) ?? [];
  assertEquals([bars.length, gaps.length], [3, 3]);
  assertOk(svg.includes("a &lt;b&gt; &amp; c"), "the title is escaped");
  assertOk(svg.includes("ECE "), svg);
  assertEquals(svg.includes("before the temperature"), false);
});

Deno.test("compare --pairs --json prints the paired statistics; a wrong call is refused", async () => {
  await withTempDir("fer-compare-cli-", async (dir) => {
    // b=0, c=6: six items only B gets right, p = 2 * 2^-6 = 0.03125.
    const items = Array.from({ length: 8 }, (_, i) => ({ id: `p${i}`, label: "happy" }));
    const a = items.map((r, i) => ({ ...r, predicted: i < 2 ? "happy" : "sad" }));
    const b = items.map((r) => ({ ...r, predicted: "happy" }));
    await Deno.writeTextFile(join(dir, "a.json"), JSON.stringify(a));
    await Deno.writeTextFile(join(dir, "b.json"), JSON.stringify({ items: b }));
    const run = await runTrainingCli("commands/compare.ts", [
      "--pairs",
      join(dir, "a.json"),
      join(dir, "b.json"),
      "--json",
    ]);
    assertEquals(run.code, 0, run.out);
    const json = JSON.parse(run.out.slice(run.out.indexOf("{")));
    assertEquals([json.accuracyA, json.accuracyB, json.mcnemar.b, json.mcnemar.c], [0.25, 1, 0, 6]);
    assertAlmostEquals(json.mcnemar.p, 0.03125, 1e-12);
    assertEquals(json.perClass.map((c: { label: string }) => c.label), ["happy", "sad"]);
    const text = await runTrainingCli("commands/compare.ts", [
      "--pairs",
      join(dir, "a.json"),
      join(dir, "b.json"),
    ]);
    assertOk(text.out.includes("p = 0.03125") && text.out.includes("B is more accurate"), text.out);
    const one = await runTrainingCli("commands/compare.ts", [join(dir, "a.json")]);
    assertOk(one.code === 2 && one.out.includes("expected two models"), one.out);
  });
});
