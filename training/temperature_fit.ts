/**
 * The work behind `deno task calibrate`: fits a model's temperature (`src/classifier/temperature.ts`) by
 * minimising the mean negative log-likelihood of its scores on one split (Selection by default),
 * reports the calibration before and after on another split (PublicTest by default; never the
 * fit split, so the figures are not the fit's own), and stores `temperature` and how it was
 * fitted in the model's `fer-model.json`, which the server, the page, `predict` and `evaluate`
 * apply. The weights are untouched and the top class never changes.
 *
 * The fit is on the averaged probabilities, so the same command calibrates a model set: its
 * temperature is fitted on, and applied to, the members' weighted mean.
 *
 * @module
 */
import { join } from "node:path";
import { FER_MODEL_METADATA_FILE } from "../src/model/metadata.ts";
import type { CalibrationRecord } from "../src/model/metadata.ts";
import { applyTemperature } from "../src/classifier/temperature.ts";
import { CALIBRATION_BINS, type ModelScores } from "./evaluation.ts";
import type { Tta } from "./predict_batches.ts";
import { fitTemperature, meanNll, reliability } from "./stats/calibration.ts";

/** What {@link calibrateScores} found on the fit split. */
export interface CalibrationFit {
  /** The fitted temperature. */
  temperature: number;
  /** The record stored in `fer-model.json`. */
  record: CalibrationRecord;
}

/** ECE and NLL of `s` at temperature `t`. */
export function calibrationAt(s: ModelScores, t: number): { ece: number; nll: number } {
  const scaled = applyTemperature(s.scores, s.classes, t);
  return {
    ece: reliability(scaled, s.labels, s.classes, CALIBRATION_BINS).ece,
    nll: meanNll(s.scores, s.labels, s.classes, t),
  };
}

/** Fits the temperature of scores `s` (from `scoreModelDir`) scored with views `tta`. */
export function calibrateScores(s: ModelScores, tta: Tta, now = new Date()): CalibrationFit {
  const fit = fitTemperature(s.scores, s.labels, s.classes);
  const before = calibrationAt(s, 1);
  const after = calibrationAt(s, fit.temperature);
  return {
    temperature: fit.temperature,
    record: {
      split: s.evalSplit.name,
      count: s.labels.length,
      tta,
      nll: { before: before.nll, after: after.nll },
      ece: { before: before.ece, after: after.ece },
      fittedAt: now.toISOString(),
    },
  };
}

/** Stores the fit in `dir/fer-model.json`, keeping every other field as it was. */
export async function writeTemperature(dir: string, fit: CalibrationFit): Promise<void> {
  const path = join(dir, FER_MODEL_METADATA_FILE);
  const metadata = JSON.parse(await Deno.readTextFile(path));
  metadata.temperature = Number(fit.temperature.toFixed(6));
  metadata.calibration = fit.record;
  await Deno.writeTextFile(path, JSON.stringify(metadata, null, 2) + "\n");
}
