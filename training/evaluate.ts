/**
 * `deno task evaluate`: measures an exported model or model set on one split — from the prepared cache or straight
 * from a FER2013 CSV (which may hold only a PrivateTest split), or the held-out Selection — with
 * its calibration (ECE, NLL, before and after the model's temperature), and writes `metrics.json`,
 * `confusion.svg` and `reliability.svg` next to the model.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { useWasmBackend } from "../src/backend.ts";
import { applyTemperature } from "../src/classifier/temperature.ts";
import { argmaxRows, type ClassificationReport, confusionMatrix, formatReport } from "./metrics.ts";
import { reportFromConfusion } from "./metrics.ts";
import { confusionSvg } from "./charts.ts";
import { reliabilitySvg } from "./reliability_chart.ts";
import { meanNll, type Reliability, reliability } from "./stats/calibration.ts";
import { type EvalSplitName, parseEvalSplit, parseTta } from "./eval_split.ts";
import { type ModelScores, scoreModelDir, type ScoreOptions } from "./score.ts";
import { runMain } from "../term/run_main.ts";
import { type FerSetMetadata, normalisedWeights } from "../src/model/set.ts";
import { BadRowLog } from "./bad_rows.ts";

export { type ModelScores, scoreModelDir, type ScoreOptions } from "./score.ts";

const HELP = `deno task evaluate [flags]

  --model DIR        exported model folder, or model set folder (default models/default)
  --split NAME       PublicTest | PrivateTest | Training | Selection (default PublicTest);
                     Selection = the held-out 10% of Training the model chose on (see README)
  --data DIR         prepared data folder (default data/prepared)
  --csv PATH         read the split straight from a FER2013 .csv/.csv.gz instead; bad rows
                     are skipped and reported (count, first 10 with their lines)
  --strict           with --csv: stop at the first bad row instead, exit 1
  --tta MODE         none | flip | tencrop (default none)
  --no-write         do not write metrics.json / confusion.svg / reliability.svg

Prints accuracy, per-class scores, the confusion matrix and the calibration of the scores the
model shows (its fer-model.json temperature applied): expected calibration error over 15
confidence bins and the mean negative log-likelihood, before and after the temperature.
`;

/** Bins of the reliability table and ECE (Guo et al. 2017's and the issue's choice). */
export const CALIBRATION_BINS = 15;

/**
 * Evaluates the model in `modelDir` on a split and returns the report. With `csv`, bad rows go to
 * `onBadRow` (or, with `strict`, the first one throws with its line).
 */
export async function evaluateModelDir(
  modelDir: string,
  split: EvalSplitName,
  options: ScoreOptions = {},
): Promise<ClassificationReport> {
  const { scores, labels, classes, metadata } = await scoreModelDir(modelDir, split, options);
  const predicted = argmaxRows(scores, classes);
  return reportFromConfusion(confusionMatrix(labels, predicted, classes), metadata.labels);
}

/** Calibration of the scores a model shows, and of its raw scores when a temperature applies. */
export interface CalibrationSummary {
  /** The model's temperature (1 when it has none). */
  temperature: number;
  /** Expected calibration error of the shown scores. */
  ece: number;
  /** Mean negative log-likelihood of the shown scores. */
  nll: number;
  /** The same of the raw scores (T = 1). */
  uncalibrated: { ece: number; nll: number };
  /** Reliability table of the shown scores. */
  bins: Reliability["bins"];
}

/** Calibration of `scores` with and without the model's temperature. */
export function summariseCalibration(s: ModelScores): {
  summary: CalibrationSummary;
  shown: Reliability;
  raw: Reliability;
} {
  const temperature = s.metadata.temperature ?? 1;
  const raw = reliability(s.scores, s.labels, s.classes, CALIBRATION_BINS);
  const shownScores = applyTemperature(s.scores, s.classes, temperature);
  const shown = temperature === 1
    ? raw
    : reliability(shownScores, s.labels, s.classes, CALIBRATION_BINS);
  return {
    summary: {
      temperature,
      ece: shown.ece,
      nll: meanNll(s.scores, s.labels, s.classes, temperature),
      uncalibrated: { ece: raw.ece, nll: meanNll(s.scores, s.labels, s.classes) },
      bins: shown.bins,
    },
    shown,
    raw,
  };
}

/** The calibration lines `evaluate` prints. */
export function formatCalibration(c: CalibrationSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = [
    `calibration (${CALIBRATION_BINS} bins): ECE ${pct(c.uncalibrated.ece)}, NLL ${
      c.uncalibrated.nll.toFixed(4)
    } as the model outputs them (T = 1)`,
  ];
  if (c.temperature !== 1) {
    lines.push(
      `  with fer-model.json's temperature T = ${c.temperature.toFixed(4)}: ECE ${pct(c.ece)}, ` +
        `NLL ${c.nll.toFixed(4)} (the scores the server and page show)`,
    );
  } else lines.push("  no temperature in fer-model.json: these are the scores shown");
  return lines.join("\n");
}

/** A set's members and their shares of the mean, e.g. `default 50% + default-untied 50%`. */
export function setSummary(set: FerSetMetadata): string {
  const shares = normalisedWeights(set.members);
  return set.members.map((m, i) => `${m.path} ${(shares[i] * 100).toFixed(0)}%`).join(" + ");
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
  const split = parseEvalSplit(values.split);
  const tta = parseTta(values.tta);
  await useWasmBackend();
  const started = performance.now();
  const badRows = new BadRowLog();
  let scored: ModelScores;
  try {
    scored = await scoreModelDir(values.model, split, {
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
  const predicted = argmaxRows(scored.scores, scored.classes);
  const report = reportFromConfusion(
    confusionMatrix(scored.labels, predicted, scored.classes),
    scored.metadata.labels,
  );
  const calibration = summariseCalibration(scored);
  const seconds = (performance.now() - started) / 1000;
  console.log(`${values.model} on ${split}${tta === "none" ? "" : ` (tta ${tta})`}:`);
  if (scored.metadata.kind === "set") console.log(`model set: ${setSummary(scored.metadata)}`);
  if (scored.evalSplit.warning) console.log(`note: ${scored.evalSplit.warning}`);
  console.log(formatReport(report));
  console.log(`\n${formatCalibration(calibration.summary)}`);
  console.log(`\n${report.count} images in ${seconds.toFixed(1)} s`);
  if (!values["no-write"]) {
    const path = join(values.model, "metrics.json");
    let existing: Record<string, unknown> = {};
    try {
      existing = JSON.parse(await Deno.readTextFile(path));
    } catch { /* first evaluation of this model */ }
    const key = tta === "none" ? split : `${split}+${tta}`;
    existing[key] = { ...report, calibration: calibration.summary };
    await Deno.writeTextFile(path, JSON.stringify(existing, null, 2) + "\n");
    const plain = tta === "none" && split === "PublicTest";
    const svgName = plain ? "confusion.svg" : `confusion-${key}.svg`;
    await Deno.writeTextFile(
      join(values.model, svgName),
      confusionSvg(report, `${values.model} on ${key}`),
    );
    const reliabilityName = plain ? "reliability.svg" : `reliability-${key}.svg`;
    await Deno.writeTextFile(
      join(values.model, reliabilityName),
      reliabilitySvg(
        calibration.shown,
        `${values.model} on ${key}`,
        calibration.summary.temperature === 1
          ? undefined
          : { table: calibration.raw, temperature: calibration.summary.temperature },
      ),
    );
    console.log(
      `wrote ${path}, ${join(values.model, svgName)} and ${join(values.model, reliabilityName)}`,
    );
  }
  return 0;
}

if (import.meta.main) await runMain("evaluate", main);
