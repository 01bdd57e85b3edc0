/**
 * The seed's study behind `deno task experiments` (without `--full`): checks the prepared data,
 * draws the landmark sheet, runs (or, with `reportOnly`, only collects) the grid's cells and writes
 * `results.jsonl`, `table.txt`, `report.md` and `report.svg` under the results folder.
 *
 * @module
 */
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "../data/cache.ts";
import { setupTrainingBackend } from "../backend.ts";
import { type Budget, runCell } from "./cells.ts";
import { runGrid } from "./driver.ts";
import type { Cell } from "./grid.ts";
import { markdownReport, reportSvg, seedTables } from "./report.ts";
import { extremeFaces, landmarkFailures, landmarkSheetSvg } from "./landmark_sheet.ts";
import { PRESENCE_THRESHOLD } from "../landmarks/face_mesh.ts";

/** Inputs of {@link runSeedStudy}. */
export interface SeedStudyOptions {
  /** Prepared data with landmarks, hog, hogWindows and all 7 expressions. */
  data: string;
  /** Results folder. */
  out: string;
  /** The cells to run or report. */
  cells: Cell[];
  /** Epochs, images and SVM settings of every cell. */
  budget: Budget;
  /** Redraw the tables and report from the log without running cells. */
  reportOnly: boolean;
  /** The command line, as the report quotes it. */
  command: string;
}

/** Runs the study (see the module doc) and returns the seed's tables as printed. */
export async function runSeedStudy(options: SeedStudyOptions): Promise<string> {
  const { reportOnly, budget, cells } = options;
  const manifest = await readManifest(options.data).catch((error) => {
    throw new Error(
      `no prepared data in ${options.data}; run \`deno task prepare --landmarks --out ${options.data}\``,
      { cause: error },
    );
  });
  if (manifest.expressions.join() !== "0,1,2,3,4,5,6") {
    throw new Error(`${options.data} must hold all 7 expressions (prepared without --expressions)`);
  }
  const features = [...new Set(cells.flatMap((c) => c.featureSet.features))];
  const missing = features.filter((f) => !(f in manifest.features));
  if (missing.length) {
    throw new Error(
      `${options.data} lacks ${
        missing.join(", ")
      }; run \`deno task prepare --landmarks --out ${options.data}\``,
    );
  }
  const backend = !reportOnly && cells.some((c) => c.model !== "svm")
    ? await setupTrainingBackend()
    : "none";
  const data = {
    train: await readPreparedSplit(options.data, "Training", { features }),
    val: await readPreparedSplit(options.data, "PublicTest", { features }),
  };
  await Deno.mkdir(options.out, { recursive: true });
  const notes: string[] = [];
  if (data.val.features.landmarks) {
    const rates = [data.train, data.val].map((s) => {
      const failed = landmarkFailures(s, PRESENCE_THRESHOLD);
      return `${s.split} ${failed}/${s.count} (${(100 * failed / s.count).toFixed(2)}%)`;
    });
    notes.push(`Landmark failures (face presence < ${PRESENCE_THRESHOLD}): ${rates.join(", ")}.`);
    const { best, worst } = extremeFaces(data.val, 8);
    await Deno.writeTextFile(
      join(options.out, "landmarks.svg"),
      landmarkSheetSvg(data.val, [
        { title: "PublicTest: most confident face mesh", indices: best },
        { title: "PublicTest: least confident (counted as failures below 0.5)", indices: worst },
      ]),
    );
  }
  console.error(`${cells.length} cells, budget ${JSON.stringify(budget)}, backend ${backend}`);
  const results = await runGrid(cells, {
    data,
    budget,
    logPath: join(options.out, "results.jsonl"),
    runner: runCell,
    reportOnly,
    onResult: (r, reused) =>
      console.error(
        `${reused ? "reused" : "done"} ${r.id}: ${(r.accuracy * 100).toFixed(2)}% ` +
          `(${r.trainCount} train / ${r.valCount} PublicTest, ${r.seconds.toFixed(1)} s)`,
      ),
  });
  const tables = seedTables(results);
  await Deno.writeTextFile(join(options.out, "table.txt"), tables);
  await Deno.writeTextFile(
    join(options.out, "report.md"),
    markdownReport(results, {
      command: options.command,
      data: options.data,
      missing: cells.filter((c) => !results.some((r) => r.id === c.id)).map((c) => c.id),
      notes,
    }),
  );
  await Deno.writeTextFile(join(options.out, "report.svg"), reportSvg(results));
  console.error(`wrote ${join(options.out, "report.md")} and report.svg`);
  return tables;
}
