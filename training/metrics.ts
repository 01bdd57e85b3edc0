/**
 * Classification metrics from a confusion matrix: accuracy, per-class precision/recall/F1 and
 * macro F1, plus a plain-text table for terminals.
 *
 * @module
 */

/** `matrix[actual][predicted]` counts. */
export type ConfusionMatrix = number[][];

/** Per-class scores. */
export interface ClassScores {
  /** Class name. */
  label: string;
  /** Images whose true label is this class. */
  support: number;
  /** Of the images predicted as this class, the fraction that are. */
  precision: number;
  /** Of the images of this class, the fraction predicted as it. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
}

/** Everything `evaluate` reports. */
export interface ClassificationReport {
  /** Images evaluated. */
  count: number;
  /** Top-1 accuracy in 0..1. */
  accuracy: number;
  /** Unweighted mean of per-class F1. */
  macroF1: number;
  /** Scores per class. */
  classes: ClassScores[];
  /** The confusion matrix, `matrix[actual][predicted]`. */
  confusion: ConfusionMatrix;
}

/** Counts `(actual, predicted)` pairs into a `classes x classes` matrix. */
export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): ConfusionMatrix {
  if (actual.length !== predicted.length) throw new Error("actual and predicted differ in length");
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
  return m;
}

/** Accuracy, per-class precision/recall/F1 and macro F1 of a confusion matrix. */
export function reportFromConfusion(m: ConfusionMatrix, labels: string[]): ClassificationReport {
  const k = m.length;
  let correct = 0;
  let count = 0;
  const classes: ClassScores[] = [];
  for (let c = 0; c < k; c++) {
    const support = m[c].reduce((a, b) => a + b, 0);
    let predicted = 0;
    for (let r = 0; r < k; r++) predicted += m[r][c];
    const tp = m[c][c];
    correct += tp;
    count += support;
    const precision = predicted > 0 ? tp / predicted : 0;
    const recall = support > 0 ? tp / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    classes.push({ label: labels[c] ?? String(c), support, precision, recall, f1 });
  }
  return {
    count,
    accuracy: count > 0 ? correct / count : 0,
    macroF1: classes.reduce((a, c) => a + c.f1, 0) / Math.max(1, k),
    classes,
    confusion: m,
  };
}

/** Index of the largest value in each row of a `rows x k` score array. */
export function argmaxRows(scores: Float32Array, k: number): Uint8Array {
  const rows = scores.length / k;
  const out = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (scores[r * k + c] > scores[r * k + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** The report as aligned text: per-class table, then the confusion matrix. */
export function formatReport(r: ClassificationReport): string {
  const pct = (x: number) => (x * 100).toFixed(1).padStart(6);
  const width = Math.max(8, ...r.classes.map((c) => c.label.length));
  const lines = [
    `accuracy ${(r.accuracy * 100).toFixed(2)}%  macro F1 ${
      (r.macroF1 * 100).toFixed(2)
    }%  (n=${r.count})`,
    "",
    `${"class".padEnd(width)}  support  precision  recall      F1`,
  ];
  for (const c of r.classes) {
    lines.push(
      `${c.label.padEnd(width)}  ${String(c.support).padStart(7)}     ${pct(c.precision)}  ${
        pct(c.recall)
      }  ${pct(c.f1)}`,
    );
  }
  lines.push("", `confusion (rows = actual, columns = predicted)`);
  const short = r.classes.map((c) => c.label.slice(0, 5).padStart(6));
  lines.push(`${"".padEnd(width)} ${short.join("")}`);
  r.confusion.forEach((row, i) => {
    lines.push(
      `${r.classes[i].label.padEnd(width)} ${row.map((v) => String(v).padStart(6)).join("")}`,
    );
  });
  return lines.join("\n");
}
