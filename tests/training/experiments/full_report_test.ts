import { join } from "node:path";
import { formatP } from "../../../training/compare/format.ts";
import { type StudyCell, studyCells } from "../../../training/experiments/full/cells.ts";
import { fullStudyMain } from "../../../training/experiments/full/main.ts";
import { cellCommand } from "../../../training/experiments/full/runner.ts";
import { mcnemarExactP } from "../../../training/stats/paired.ts";
import { comparePairFiles } from "../../../training/compare/models.ts";
import { assertEquals, assertOk } from "../../assert.ts";
import { withTempDir } from "../../temp_dir.ts";
import {
  CLASS_NAMES,
  fakePredictions,
  writeFakeRun,
  writeFakeScores,
  writeFakeSvm,
} from "./full_fixtures.ts";

/** Every call names a ledger under the test's root: the default one is the repository's. */
const LEDGER = (root: string) => ["--ledger", join(root, "ledger")];

const CELLS = studyCells();
const cell = (id: string): StudyCell => CELLS.find((c) => c.id === id)!;

/** The cells of the report's table row whose first cell is `title` (tables as deno fmt aligns them). */
function tableRow(report: string, title: string): string[] {
  const cells = (l: string) => l.split("|").slice(1, -1).map((s) => s.trim());
  const line = report.split("\n").find((l) => l.startsWith("|") && cells(l)[0] === title);
  assertOk(line, `no row ${title}`);
  return cells(line);
}

/**
 * A study root: SVM raw at 5 and 7 classes; the default network's raw and + landmarks cells at 5
 * classes scored (raw right on 30 of 40 images, landmarks on 20, 15 of them shared), its
 * + landmarks + HOG 5-class cell at epoch 3 of 25; Model A trained and scored, best epoch 9.
 */
async function writeStudy(root: string): Promise<void> {
  const paths = { root, data: join(root, "data7") };
  await writeFakeSvm(root, cell("svm-raw-5"), 0.3512);
  await writeFakeSvm(root, cell("svm-raw-7"), 0.3221);
  await writeFakeSvm(root, cell("svm-lm-5"), 0.9, 500); // another budget: not this study's
  const five = [...CLASS_NAMES[5]];
  const scored = async (id: string, epoch: number, right: (i: number) => boolean) => {
    await writeFakeRun(cellCommand(cell(id), paths, 2).args, cell(id).epochs, {
      exported: true,
      best: epoch,
    });
    const labels = cell(id).classes === 5 ? five : [...CLASS_NAMES[7]];
    await writeFakeScores(root, cell(id), fakePredictions(40, labels, right, epoch));
  };
  await scored("default-raw-5", 20, (i) => i % 4 !== 0);
  await scored("default-lm-5", 22, (i) => i % 2 === 0);
  await scored("a-raw-7", 9, (i) => i % 5 < 2);
  await writeFakeRun(cellCommand(cell("default-lm-hog-5"), paths, 2).args, 3);
}

Deno.test("the report shows finished cells, running ones and n/a in the seed's layout", async () => {
  await withTempDir("fer-study-", async (root) => {
    await writeStudy(root);
    const out = join(root, "report");
    assertEquals(
      await fullStudyMain(["--root", root, "--report-only", "--report-dir", out, ...LEDGER(root)]),
      0,
    );
    const report = await Deno.readTextFile(join(out, "full-study.md"));
    assertEquals(tableRow(report, "inputs"), [
      "inputs",
      ...["SVM", "Model A", "Model B", "default"].flatMap((m) => [`${m} 5`, `${m} 7`]),
    ]);
    assertEquals(tableRow(report, "raw pixels"), [
      "raw pixels",
      "35.1",
      "32.2",
      "n/a",
      "40.0",
      "n/a",
      "—",
      "75.0",
      "— / —",
    ]);
    assertEquals(tableRow(report, "+ face landmarks").slice(1), [
      "—",
      "—",
      "n/a",
      "n/a",
      "n/a",
      "n/a",
      "50.0",
      "—",
    ]);
    assertEquals(tableRow(report, "+ face landmarks + HOG")[7], "in progress (3/25 epochs)");
    assertOk(report.includes("**State:** 5 of 21 cells done; in progress: default-lm-hog-5"));
    // Model A by epoch: Selection from the history, PublicTest from the per-epoch file.
    assertEquals(tableRow(report, "9"), ["9", "50.00 (chosen)", "40.00", "", ""]);
    assertEquals(tableRow(report, "default-raw-5").slice(1, 5), [
      "75.00",
      "20 / 25",
      "2.0 min/epoch",
      "24000",
    ]);
    assertOk(
      tableRow(report, "a-raw-7")[6].includes("deno task train --run-dir ROOT/cells/a-raw-7"),
    );
  });
});

Deno.test("the paired tests are McNemar's on the two cells' PublicTest predictions", async () => {
  await withTempDir("fer-study-", async (root) => {
    await writeStudy(root);
    const out = join(root, "report");
    await fullStudyMain(["--root", root, "--report-only", "--report-dir", out, ...LEDGER(root)]);
    const report = await Deno.readTextFile(join(out, "full-study.md"));
    // Raw is right where i % 4 != 0, landmarks where i is even: only raw where i % 4 is 1 or 3
    // (b = 20), only landmarks where i % 4 == 0 (c = 10).
    let b = 0, c = 0;
    for (let i = 0; i < 40; i++) {
      const raw = i % 4 !== 0, lm = i % 2 === 0;
      if (raw && !lm) b++;
      if (lm && !raw) c++;
    }
    assertEquals([b, c], [20, 10]);
    const row = tableRow(report, "+ face landmarks vs raw pixels, 5 classes");
    assertEquals(row.slice(1, 5), ["default-raw-5", "default-lm-5", "75.00", "50.00"]);
    assertEquals(row.slice(6), [String(b), String(c), formatP(mcnemarExactP(b, c))]);
    // The same figures as `deno task compare --pairs` on the two files.
    const pairs = await comparePairFiles(
      join(root, "cells", "default-raw-5", "publictest.json"),
      join(root, "cells", "default-lm-5", "publictest.json"),
    );
    assertEquals(pairs.result.mcnemar.p, mcnemarExactP(b, c));
    assertOk(row[5].startsWith("−25.00 ("), row[5]);
    // Pairs whose cells are not both done wait.
    assertEquals(tableRow(report, "+ face landmarks vs raw pixels, 7 classes").slice(3), [
      "—",
      "—",
      "—",
      "—",
      "—",
      "—",
    ]);
  });
});

Deno.test("the chart draws a bar for each finished cell only and marks the running one", async () => {
  await withTempDir("fer-study-", async (root) => {
    await writeStudy(root);
    const out = join(root, "report");
    await fullStudyMain(["--root", root, "--report-only", "--report-dir", out, ...LEDGER(root)]);
    const svg = await Deno.readTextFile(join(out, "full-study.svg"));
    const bars = [...svg.matchAll(/<rect [^>]*>\s*<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    assertEquals(bars, [
      "SVM, raw pixels, 5 classes: 35.1%",
      "default, raw pixels, 5 classes: 75.0%",
      "default, + face landmarks, 5 classes: 50.0%",
      "SVM, raw pixels, 7 classes: 32.2%",
      "Model A, raw pixels, 7 classes: 40.0%",
    ]);
    assertOk(svg.includes(">3/25</text>"));
  });
});
