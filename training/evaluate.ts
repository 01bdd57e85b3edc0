/**
 * `deno task evaluate`: measures an exported model on one split — from the prepared cache or straight
 * from a FER2013 CSV (which may hold only a PrivateTest split) — and writes `metrics.json` and
 * `confusion.svg` next to the model.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import type { PreparedSplit, SplitName } from "../src/data/cache.ts";
import type { BadRow } from "../src/data/fer_csv.ts";
import { readPreparedSplit } from "../src/data/cache.ts";
import { loadModelDir } from "../src/model/io.ts";
import { useWasmBackend } from "../src/engine/backend.ts";
import { toTrainData } from "./dataset.ts";
import { predictScores, type Tta } from "./predict_batches.ts";
import { argmaxRows, type ClassificationReport, confusionMatrix, formatReport } from "./metrics.ts";
import { reportFromConfusion } from "./metrics.ts";
import { confusionSvg } from "./charts.ts";
import { PIXEL_SCALE } from "./run.ts";
import { runMain } from "../src/cli/run_main.ts";
import { BadRowLog } from "./bad_rows.ts";

const HELP = `deno task evaluate [flags]

  --model DIR        exported model folder (default models/default)
  --split NAME       PublicTest | PrivateTest | Training (default PublicTest)
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the split straight from a FER2013 .csv/.csv.gz instead; bad rows
                     are skipped and reported (count, first 10 with their lines)
  --strict           with --csv: stop at the first bad row instead, exit 1
  --tta MODE         none | flip | tencrop (default none)
  --no-write         do not write metrics.json / confusion.svg
`;

const SPLITS: SplitName[] = ["Training", "PublicTest", "PrivateTest"];

/** Options of {@link evaluateModelDir}. */
export interface EvaluateOptions {
  /** Prepared data folder (default `data/prepared`), read unless `csv` is given. */
  dataDir?: string;
  /** Read the split from this FER2013 CSV instead. */
  csv?: string;
  /** With `csv`: throw at the first bad row instead of skipping it. */
  strict?: boolean;
  /** With `csv`: called for each skipped bad row. */
  onBadRow?: (bad: BadRow) => void;
  /** Test-time augmentation (default none). */
  tta?: Tta;
}

async function loadSplit(
  split: SplitName,
  features: string[],
  options: EvaluateOptions,
): Promise<PreparedSplit> {
  const { csv } = options;
  if (!csv) return await readPreparedSplit(options.dataDir ?? "data/prepared", split, { features });
  const data = await import("../src/data/mod.ts");
  const { splits } = await data.loadFerCsvSplits(csv, {
    features,
    strict: options.strict,
    onBadRow: options.onBadRow,
  });
  const found = splits[split];
  if (!found) {
    throw new Error(
      `${csv} has no ${split} rows (it has: ${Object.keys(splits).join(", ") || "none"})`,
    );
  }
  return found;
}

/**
 * Evaluates the model in `modelDir` on a split and returns the report. With `csv`, bad rows go to
 * `onBadRow` (or, with `strict`, the first one throws with its line).
 */
export async function evaluateModelDir(
  modelDir: string,
  split: SplitName,
  options: EvaluateOptions = {},
): Promise<ClassificationReport> {
  const { model, metadata } = await loadModelDir(modelDir);
  const featureNames = metadata.features.map((f) => f.name);
  let prepared: PreparedSplit;
  try {
    prepared = await loadSplit(split, featureNames, options);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const classes = metadata.labels.length;
  const { data } = toTrainData(prepared, {
    classes,
    features: featureNames,
    labelSmoothing: 0,
  });
  const scale = metadata.input.scale ?? PIXEL_SCALE;
  const scores = predictScores(model, data, scale, 256, options.tta ?? "none");
  model.dispose();
  const predicted = argmaxRows(scores, classes);
  return reportFromConfusion(confusionMatrix(data.labels, predicted, classes), metadata.labels);
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string", default: "models/default" },
      split: { type: "string", default: "PublicTest" },
      data: { type: "string", default: "data/prepared" },
      csv: { type: "string" },
      strict: { type: "boolean", default: false },
      tta: { type: "string", default: "none" },
      "no-write": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const split = values.split as SplitName;
  if (!SPLITS.includes(split)) throw new Error(`--split must be one of ${SPLITS.join(", ")}`);
  const tta = values.tta as Tta;
  if (!["none", "flip", "tencrop"].includes(tta)) {
    throw new Error("--tta must be none, flip or tencrop");
  }
  await useWasmBackend();
  const started = performance.now();
  const badRows = new BadRowLog();
  let report: ClassificationReport;
  try {
    report = await evaluateModelDir(values.model, split, {
      dataDir: values.data,
      csv: values.csv,
      strict: values.strict,
      onBadRow: badRows.add,
      tta,
    });
  } finally {
    // Skipped rows are reported whether or not the evaluation then succeeded.
    for (const line of badRows.report()) console.error(line);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`${values.model} on ${split}${tta === "none" ? "" : ` (tta ${tta})`}:`);
  console.log(formatReport(report));
  console.log(`\n${report.count} images in ${seconds.toFixed(1)} s`);
  if (!values["no-write"]) {
    const path = join(values.model, "metrics.json");
    let existing: Record<string, unknown> = {};
    try {
      existing = JSON.parse(await Deno.readTextFile(path));
    } catch { /* first evaluation of this model */ }
    const key = tta === "none" ? split : `${split}+${tta}`;
    existing[key] = report;
    await Deno.writeTextFile(path, JSON.stringify(existing, null, 2) + "\n");
    const svgName = tta === "none" && split === "PublicTest"
      ? "confusion.svg"
      : `confusion-${key}.svg`;
    await Deno.writeTextFile(
      join(values.model, svgName),
      confusionSvg(report, `${values.model} on ${key}`),
    );
    console.log(`wrote ${path} and ${join(values.model, svgName)}`);
  }
  return 0;
}

if (import.meta.main) await runMain("evaluate", main);
