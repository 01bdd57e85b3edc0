/**
 * The study's cells as the report shows them: each table slot (inputs x classifier x classes)
 * with its cells (two for the slots with a second seed), their PublicTest accuracy once scored,
 * and otherwise what they are doing. Shared by the Markdown report and the chart.
 *
 * @module
 */
import { FEATURE_SETS } from "../grid.ts";
import type { StudyCell, StudyModel } from "./cells.ts";
import type { CellState } from "./state.ts";

/** A cell with what the disk says about it. */
export interface CellView {
  cell: StudyCell;
  state: CellState;
}

/** Columns of the seed's table, in order. */
export const COLUMNS: readonly { model: StudyModel; title: string }[] = [
  { model: "svm", title: "SVM" },
  { model: "a", title: "Model A" },
  { model: "b", title: "Model B" },
  { model: "default", title: "default" },
];

/** PublicTest accuracy of a finished cell (0..1), else undefined. */
export function accuracyOf(view: CellView): number | undefined {
  if (view.state.phase !== "done") return undefined;
  return view.cell.model === "svm" ? view.state.svm?.accuracy : view.state.predictions?.accuracy;
}

/**
 * The cells of one table slot with batch norm on (the table's; the no-BN cell has its own
 * section), first seed first.
 */
export function slotCells(
  views: readonly CellView[],
  model: StudyModel,
  featureSet: string,
  classes: number,
): CellView[] {
  return views.filter((v) =>
    v.cell.model === model && v.cell.featureSet.id === featureSet && v.cell.classes === classes &&
    (v.cell.batchNorm || model === "svm")
  ).sort((a, b) => a.cell.seed - b.cell.seed);
}

/** `61.2`, `in progress (7/25 epochs)`, `parked (7/25 epochs)`, `trained, not scored`, `—`. */
export function cellText(view: CellView): string {
  const accuracy = accuracyOf(view);
  if (accuracy !== undefined) return (accuracy * 100).toFixed(1);
  const { state, cell } = view;
  if (state.phase === "scoring") return "trained, not scored";
  if (state.phase === "training") {
    return `${state.parked ? "parked" : "in progress"} (${state.epochsDone}/${cell.epochs} epochs)`;
  }
  return "—";
}

/** Text of a table slot: `n/a` when the study has no such cell, seeds joined by ` / `. */
export function slotText(views: readonly CellView[]): string {
  return views.length ? views.map(cellText).join(" / ") : "n/a";
}

/** The feature-set rows in table order. */
export const ROWS = FEATURE_SETS;
