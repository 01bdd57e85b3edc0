/**
 * `deno task experiments`: the seed's study, reproducible. Runs the grid of feature sets x {SVM,
 * Model A, Model B} x {5, 7 expressions} (CNNs with and without batch norm) on prepared FER2013 data
 * with landmarks, HOG and sliding-window HOG; trains on Training, reports PublicTest accuracy; prints
 * the seed's tables and writes `results.jsonl`, `report.md`, `report.svg` and `table.txt`.
 *
 * @module
 */
import type { Budget } from "../experiments/cells.ts";
import { buildGrid, FEATURE_SETS, type GridModel } from "../experiments/grid.ts";
import { runSeedStudy } from "../experiments/seed_study.ts";
import { fullStudyMain } from "../experiments/full/main.ts";
import { defineFlags, numberFlag, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task experiments [flags]

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
`,
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
  },
});

function list(value: string | undefined): string[] | undefined {
  return value?.split(",").map((s) => s.trim()).filter(Boolean);
}

function count(flag: string, value: string, min: number): number {
  return numberFlag(flag, value, { integer: true, min })!;
}

async function main(args: string[]): Promise<number> {
  // The full-budget study (issue 27) has its own flags: `deno task experiments --full --help`.
  if (args.includes("--full")) return await fullStudyMain(args.filter((a) => a !== "--full"));
  const { values } = parseFlags(args, FLAGS);
  const svmC = numberFlag("svm-c", values["svm-c"], { positive: true })!;
  const budget: Budget = {
    epochs: count("epochs", values.epochs, 1),
    limit: count("limit", values.limit, 0),
    valLimit: count("val-limit", values["val-limit"], 0),
    svmLimit: count("svm-limit", values["svm-limit"], 0),
    batchSize: count("batch-size", values["batch-size"], 1),
    svmC,
  };
  const bn = list(values.bn)?.map((v) => {
    if (v !== "on" && v !== "off") throw new UsageError(`--bn takes on,off, got ${v}`);
    return v === "on";
  });
  const cells = buildGrid({
    models: list(values.models) as GridModel[] | undefined,
    featureSets: list(values.features),
    classes: list(values.classes)?.map(Number) as (5 | 7)[] | undefined,
    batchNorm: bn,
  });
  const tables = await runSeedStudy({
    data: values.data,
    out: values.out,
    cells,
    budget,
    reportOnly: values["report-only"],
    command: ["deno task experiments", ...args].join(" "),
  });
  console.log(tables);
  return 0;
}

if (import.meta.main) await runMain("experiments", main);
