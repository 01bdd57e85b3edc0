/**
 * `deno task experiments`: the seed's study, reproducible. Runs the grid of feature sets x {SVM,
 * Model A, Model B} x {5, 7 expressions} (CNNs with and without batch norm) on prepared FER2013 data
 * with landmarks, HOG and sliding-window HOG; trains on Training, reports PublicTest accuracy; prints
 * the seed's tables and writes `results.jsonl`, `report.md`, `report.svg` and `table.txt`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { readManifest, readPreparedSplit } from "./data/cache.ts";
import { setupTrainingBackend } from "./backend.ts";
import { type Budget, runCell } from "./experiments/cells.ts";
import { runGrid } from "./experiments/driver.ts";
import { buildGrid, FEATURE_SETS, type GridModel } from "./experiments/grid.ts";
import { markdownReport, reportSvg, seedTables } from "./experiments/report.ts";
import { extremeFaces, landmarkFailures, landmarkSheetSvg } from "./experiments/landmark_sheet.ts";
import { PRESENCE_THRESHOLD } from "./landmarks/face_mesh.ts";
import { runMain } from "../term/run_main.ts";
import { fullStudyMain } from "./experiments/full/main.ts";

const HELP = `deno task experiments [flags]

Trains every selected cell on Training and reports PublicTest accuracy. Results are appended to
OUT/results.jsonl; a re-run with the same budget skips finished cells (resume).

  --data DIR        prepared data with landmarks, hog, hogWindows and all 7 expressions
                    (default data/prepared; make it with \`deno task prepare --landmarks\`)
  --out DIR         results folder (default runs/experiments)
  --models LIST     svm,a,b (default all)
  --features LIST   ${FEATURE_SETS.map((f) => f.id).join(",")} (default all)
  --classes LIST    5,7 (default both)
  --bn LIST         on,off: batch-norm variants of the CNNs (default both)
  --epochs N        epochs per CNN cell (default 2)
  --limit N         Training images per CNN cell, 0 = all (default 2000)
  --val-limit N     PublicTest images per CNN cell, 0 = all (default 0; SVMs score all)
  --batch-size N    CNN batch size (default 128, the seed's)
  --svm-limit N     Training images per SVM cell, 0 = all (default 0)
  --svm-c X         SVM penalty C (default 0.1)
  --report-only     redraw the tables and report from the log without running cells
  --full            the full-budget study instead, resumable across sessions (--full --help)
  -h, --help        show this help
`;

function list(value: string | undefined): string[] | undefined {
  return value?.split(",").map((s) => s.trim()).filter(Boolean);
}

function count(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}`);
  return n;
}

async function main(args: string[]): Promise<number> {
  // The full-budget study (issue 27) has its own flags: `deno task experiments --full --help`.
  if (args.includes("--full")) return await fullStudyMain(args.filter((a) => a !== "--full"));
  const { values } = parseArgs({
    args,
    options: {
      data: { type: "string", default: "data/prepared" },
      out: { type: "string", default: "runs/experiments" },
      models: { type: "string" },
      features: { type: "string" },
      classes: { type: "string" },
      bn: { type: "string" },
      epochs: { type: "string", default: "2" },
      limit: { type: "string", default: "2000" },
      "val-limit": { type: "string", default: "0" },
      "svm-limit": { type: "string", default: "0" },
      "svm-c": { type: "string", default: "0.1" },
      "batch-size": { type: "string", default: "128" },
      "report-only": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const svmC = Number(values["svm-c"]);
  if (!(svmC > 0)) throw new Error("--svm-c must be > 0");
  const budget: Budget = {
    epochs: count("epochs", values.epochs!, 1),
    limit: count("limit", values.limit!, 0),
    valLimit: count("val-limit", values["val-limit"]!, 0),
    svmLimit: count("svm-limit", values["svm-limit"]!, 0),
    batchSize: count("batch-size", values["batch-size"]!, 1),
    svmC,
  };
  const bn = list(values.bn)?.map((v) => {
    if (v !== "on" && v !== "off") throw new Error(`--bn takes on,off, got ${v}`);
    return v === "on";
  });
  const cells = buildGrid({
    models: list(values.models) as GridModel[] | undefined,
    featureSets: list(values.features),
    classes: list(values.classes)?.map(Number) as (5 | 7)[] | undefined,
    batchNorm: bn,
  });
  const manifest = await readManifest(values.data!).catch((error) => {
    throw new Error(
      `no prepared data in ${values.data}; run \`deno task prepare --landmarks --out ${values.data}\``,
      { cause: error },
    );
  });
  if (manifest.expressions.join() !== "0,1,2,3,4,5,6") {
    throw new Error(`${values.data} must hold all 7 expressions (prepared without --expressions)`);
  }
  const features = [...new Set(cells.flatMap((c) => c.featureSet.features))];
  const missing = features.filter((f) => !(f in manifest.features));
  if (missing.length) {
    throw new Error(
      `${values.data} lacks ${
        missing.join(", ")
      }; run \`deno task prepare --landmarks --out ${values.data}\``,
    );
  }
  const reportOnly = values["report-only"]!;
  const backend = !reportOnly && cells.some((c) => c.model !== "svm")
    ? await setupTrainingBackend()
    : "none";
  const data = {
    train: await readPreparedSplit(values.data!, "Training", { features }),
    val: await readPreparedSplit(values.data!, "PublicTest", { features }),
  };
  await Deno.mkdir(values.out!, { recursive: true });
  const notes: string[] = [];
  if (data.val.features.landmarks) {
    const rates = [data.train, data.val].map((s) => {
      const failed = landmarkFailures(s, PRESENCE_THRESHOLD);
      return `${s.split} ${failed}/${s.count} (${(100 * failed / s.count).toFixed(2)}%)`;
    });
    notes.push(`Landmark failures (face presence < ${PRESENCE_THRESHOLD}): ${rates.join(", ")}.`);
    const { best, worst } = extremeFaces(data.val, 8);
    await Deno.writeTextFile(
      join(values.out!, "landmarks.svg"),
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
    logPath: join(values.out!, "results.jsonl"),
    runner: runCell,
    reportOnly,
    onResult: (r, reused) =>
      console.error(
        `${reused ? "reused" : "done"} ${r.id}: ${(r.accuracy * 100).toFixed(2)}% ` +
          `(${r.trainCount} train / ${r.valCount} PublicTest, ${r.seconds.toFixed(1)} s)`,
      ),
  });
  const tables = seedTables(results);
  console.log(tables);
  const command = ["deno task experiments", ...args].join(" ");
  await Deno.writeTextFile(join(values.out!, "table.txt"), tables);
  await Deno.writeTextFile(
    join(values.out!, "report.md"),
    markdownReport(results, {
      command,
      data: values.data!,
      missing: cells.filter((c) => !results.some((r) => r.id === c.id)).map((c) => c.id),
      notes,
    }),
  );
  await Deno.writeTextFile(join(values.out!, "report.svg"), reportSvg(results));
  console.error(`wrote ${join(values.out!, "report.md")} and report.svg`);
  return 0;
}

if (import.meta.main) await runMain("experiments", main);
