/**
 * What `deno task evaluate` reports: measures an exported model or model set on one split — from the prepared cache or straight
 * from a FER2013 CSV (which may hold only a PrivateTest split), or the held-out Selection — with
 * its calibration (ECE, NLL, before and after the model's temperature), and writes `metrics.json`,
 * `confusion.svg` and `reliability.svg` next to the model.
 *
 * @module
 */
import { join } from "node:path";
import { applyTemperature } from "../src/classifier/temperature.ts";
import { argmaxRows, type ClassificationReport, confusionMatrix } from "./metrics.ts";
import { reportFromConfusion } from "./metrics.ts";
import { confusionSvg } from "./charts.ts";
import { reliabilitySvg } from "./reliability_chart.ts";
import { meanNll, type Reliability, reliability } from "./stats/calibration.ts";
import type { EvalSplitName } from "./eval_split.ts";
import type { Tta } from "./predict_batches.ts";
import { type ModelScores, scoreModelDir, type ScoreOptions } from "./score.ts";
import { type FerSetMetadata, normalisedWeights } from "../src/model/set.ts";

export { type ModelScores, scoreModelDir, type ScoreOptions } from "./score.ts";

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

/** Where {@link writeEvaluation} put its files. */
export interface WrittenEvaluation {
  /** `metrics.json`, with this evaluation under its key. */
  metrics: string;
  /** The confusion matrix chart. */
  confusion: string;
  /** The reliability diagram. */
  reliability: string;
}

/**
 * Records an evaluation next to the model: `metrics.json` gains (or replaces) the entry `SPLIT` or
 * `SPLIT+TTA`, and the confusion and reliability charts are drawn (`confusion.svg` and
 * `reliability.svg` for plain PublicTest, `confusion-KEY.svg` and `reliability-KEY.svg` otherwise).
 */
export async function writeEvaluation(
  modelDir: string,
  split: EvalSplitName,
  tta: Tta,
  report: ClassificationReport,
  calibration: ReturnType<typeof summariseCalibration>,
): Promise<WrittenEvaluation> {
  const path = join(modelDir, "metrics.json");
  let existing: Record<string, unknown> = {};
  try {
    existing = JSON.parse(await Deno.readTextFile(path));
  } catch { /* first evaluation of this model */ }
  const key = tta === "none" ? split : `${split}+${tta}`;
  existing[key] = { ...report, calibration: calibration.summary };
  await Deno.writeTextFile(path, JSON.stringify(existing, null, 2) + "\n");
  const plain = tta === "none" && split === "PublicTest";
  const confusion = join(modelDir, plain ? "confusion.svg" : `confusion-${key}.svg`);
  await Deno.writeTextFile(confusion, confusionSvg(report, `${modelDir} on ${key}`));
  const reliabilityPath = join(modelDir, plain ? "reliability.svg" : `reliability-${key}.svg`);
  await Deno.writeTextFile(
    reliabilityPath,
    reliabilitySvg(
      calibration.shown,
      `${modelDir} on ${key}`,
      calibration.summary.temperature === 1
        ? undefined
        : { table: calibration.raw, temperature: calibration.summary.temperature },
    ),
  );
  return { metrics: path, confusion, reliability: reliabilityPath };
}
