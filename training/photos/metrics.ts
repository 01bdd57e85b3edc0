/**
 * Scores of a photo-folder evaluation: faces-found rate, accuracy (a photo without a face found
 * counts as wrong) and accuracy over the photos with a face, per-class recall, macro recall over the
 * classes present, and the confusion matrix with a "no face" column.
 *
 * @module
 */
import type { PhotoPrediction } from "./predict_photos.ts";
import { reliability } from "../stats/calibration.ts";

/** One class's row of the summary. */
export interface PhotoClassRecall {
  label: string;
  /** Photos with this true label. */
  support: number;
  /** Of those, photos with a face found. */
  found: number;
  /** Of those, photos predicted as this class (no face = wrong), over `support`. */
  recall: number;
}

/** Everything `evaluate:photos` reports for one mode. */
export interface PhotoMetrics {
  photos: number;
  /** Photos with at least one face found. */
  found: number;
  foundRate: number;
  /** Photos that could not be read or decoded (they count as not found). */
  errors: number;
  /** Correct photos over all photos. */
  accuracy: number;
  /** Correct photos over photos with a face found (0 when none). */
  accuracyFound: number;
  /** Mean recall over the classes with at least one photo. */
  macroRecall: number;
  /** Per class, in `labels` order (classes without photos have support 0 and are not in the mean). */
  classes: PhotoClassRecall[];
  /** `confusion[true][predicted]`, the last column counting photos without a face. */
  confusion: number[][];
  /** Column names of `confusion`: the labels, then `"no face"`. */
  columns: string[];
  /**
   * Expected calibration error (15 bins) of the scores as served (the model's temperature applied)
   * over the photos with a face found, in 0..1; photos of a class the model lacks never occur.
   */
  ece: number;
  /** Mean top score over the photos with a face found. */
  confidence: number;
}

/** Summarises `records` for a model with class names `labels`. */
export function summarizePhotos(
  records: readonly PhotoPrediction[],
  labels: readonly string[],
): PhotoMetrics {
  const k = labels.length;
  const confusion = labels.map(() => new Array<number>(k + 1).fill(0));
  let found = 0, correct = 0, errors = 0;
  const probabilities: number[] = [];
  const truths: number[] = [];
  for (const r of records) {
    const actual = labels.indexOf(r.label);
    if (actual < 0) throw new RangeError(`${r.file}: label "${r.label}" is not a model class`);
    if (r.error) errors++;
    const predicted = r.predicted === null ? k : labels.indexOf(r.predicted);
    if (predicted < 0) throw new RangeError(`${r.file}: predicted "${r.predicted}" is unknown`);
    confusion[actual][predicted]++;
    if (predicted < k) found++;
    if (predicted < k && r.scores) {
      for (const label of labels) probabilities.push(r.scores[label] ?? 0);
      truths.push(actual);
    }
    if (predicted === actual) correct++;
  }
  const classes = labels.map((label, c) => {
    const support = confusion[c].reduce((a, b) => a + b, 0);
    return {
      label,
      support,
      found: support - confusion[c][k],
      recall: support > 0 ? confusion[c][c] / support : 0,
    };
  });
  const present = classes.filter((c) => c.support > 0);
  const photos = records.length;
  const calibration = truths.length > 0 ? reliability(probabilities, truths, k) : undefined;
  return {
    photos,
    found,
    foundRate: photos > 0 ? found / photos : 0,
    errors,
    accuracy: photos > 0 ? correct / photos : 0,
    accuracyFound: found > 0 ? correct / found : 0,
    macroRecall: present.length > 0
      ? present.reduce((a, c) => a + c.recall, 0) / present.length
      : 0,
    classes,
    confusion,
    columns: [...labels, "no face"],
    ece: calibration?.ece ?? 0,
    confidence: calibration?.confidence ?? 0,
  };
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The summary as terminal text: headline figures, per-class recall and the confusion matrix. */
export function formatPhotoMetrics(m: PhotoMetrics): string {
  const lines = [
    `faces found   ${m.found}/${m.photos} (${pct(m.foundRate)})` +
    (m.errors ? `, ${m.errors} unreadable` : ""),
    `accuracy      ${pct(m.accuracy)} (no face = wrong); ${pct(m.accuracyFound)} over faces found`,
    `macro recall  ${pct(m.macroRecall)} over the ${
      m.classes.filter((c) => c.support > 0).length
    } classes present`,
    `calibration   ECE ${pct(m.ece)} (15 bins, faces found), mean top score ${pct(m.confidence)}`,
    "",
    "class      photos  found  recall",
  ];
  for (const c of m.classes) {
    if (c.support === 0) continue;
    lines.push(
      `${c.label.padEnd(10)} ${String(c.support).padStart(6)} ${String(c.found).padStart(6)}  ${
        pct(c.recall).padStart(6)
      }`,
    );
  }
  const width = Math.max(8, ...m.columns.map((c) => c.length)) + 1;
  lines.push("", `confusion (rows true, columns predicted)`);
  lines.push(" ".repeat(10) + m.columns.map((c) => c.padStart(width)).join(""));
  m.confusion.forEach((row, c) => {
    if (m.classes[c].support === 0) return;
    lines.push(m.classes[c].label.padEnd(10) + row.map((v) => String(v).padStart(width)).join(""));
  });
  return lines.join("\n");
}
