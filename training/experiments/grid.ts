/**
 * The seed's experiment grid: feature sets x {SVM, Model A, Model B} x {5, 7 expressions}, with
 * batch normalisation on and off for the CNNs. A cell's id names everything that defines it, so a
 * results log can be resumed cell by cell.
 *
 * @module
 */

/** Classifiers in the grid. */
export type GridModel = "svm" | "a" | "b";

/** The seed's feature-set rows. */
export interface FeatureSet {
  /** Short id used in cell ids and flags. */
  id: string;
  /** Row title in the seed's table. */
  title: string;
  /** Prepared features fed next to the pixels (CNN feature branch / SVM blocks). */
  features: string[];
}

/** Rows of the seed's table, in its order. */
export const FEATURE_SETS: readonly FeatureSet[] = [
  { id: "raw", title: "raw pixels", features: [] },
  { id: "lm", title: "+ face landmarks", features: ["landmarks"] },
  { id: "lm-hog", title: "+ face landmarks + HOG", features: ["landmarks", "hog"] },
  {
    id: "lm-hogw",
    title: "+ face landmarks + HOG sliding window",
    features: ["landmarks", "hogWindows"],
  },
];

/** The seed's five expressions (Angry, Happy, Sad, Surprise, Neutral) as FER2013 ids. */
export const FIVE_EXPRESSIONS: readonly number[] = [0, 3, 4, 5, 6];
/** All seven FER2013 expressions. */
export const SEVEN_EXPRESSIONS: readonly number[] = [0, 1, 2, 3, 4, 5, 6];

/** One experiment. */
export interface Cell {
  /** e.g. `a-bn-lm-hog-5`. */
  id: string;
  model: GridModel;
  featureSet: FeatureSet;
  /** 5 or 7 expressions. */
  classes: 5 | 7;
  /** Batch-norm after convolutions and dense layers (CNNs only; always false for the SVM). */
  batchNorm: boolean;
}

/** Which part of the grid to run. */
export interface GridSelection {
  models?: readonly GridModel[];
  featureSets?: readonly string[];
  classes?: readonly (5 | 7)[];
  /** Batch-norm variants of the CNNs. */
  batchNorm?: readonly boolean[];
}

/** Expression ids of a cell. */
export function cellExpressions(cell: Cell): readonly number[] {
  return cell.classes === 5 ? FIVE_EXPRESSIONS : SEVEN_EXPRESSIONS;
}

/** Builds the id of a cell from its parts. */
export function cellId(model: GridModel, featureSet: string, classes: number, bn: boolean): string {
  return model === "svm"
    ? `svm-${featureSet}-${classes}`
    : `${model}-${bn ? "bn" : "nobn"}-${featureSet}-${classes}`;
}

/**
 * The selected cells, cheap ones first (SVM, then 5 before 7 classes, features in table order) so a
 * budget that runs out still leaves complete rows. Throws for unknown selections.
 */
export function buildGrid(selection: GridSelection = {}): Cell[] {
  const models = selection.models ?? ["svm", "a", "b"];
  const classes = selection.classes ?? [5, 7];
  const batchNorm = selection.batchNorm ?? [true, false];
  const ids = selection.featureSets ?? FEATURE_SETS.map((f) => f.id);
  for (const model of models) {
    if (!["svm", "a", "b"].includes(model)) throw new Error(`unknown model ${model} (svm, a, b)`);
  }
  for (const c of classes) if (c !== 5 && c !== 7) throw new Error(`classes must be 5 or 7`);
  const sets = ids.map((id) => {
    const set = FEATURE_SETS.find((f) => f.id === id);
    if (!set) {
      throw new Error(`unknown feature set ${id} (${FEATURE_SETS.map((f) => f.id).join(", ")})`);
    }
    return set;
  });
  const cells: Cell[] = [];
  for (const model of models) {
    for (const bn of model === "svm" ? [false] : batchNorm) {
      for (const c of classes) {
        for (const featureSet of sets) {
          cells.push({
            id: cellId(model, featureSet.id, c, bn),
            model,
            featureSet,
            classes: c,
            batchNorm: bn,
          });
        }
      }
    }
  }
  return cells;
}
