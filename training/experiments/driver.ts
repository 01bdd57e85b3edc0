/**
 * Runs the grid cell by cell, appending each result to a JSON-lines log. On a re-run, cells whose
 * logged result has the same budget are skipped, so an interrupted grid resumes where it stopped and
 * a grid with a new budget starts over without mixing numbers.
 *
 * @module
 */
import { ProgressBar } from "../../term/progress.ts";
import type { Budget, CellResult, CellRunner, GridData } from "./cells.ts";
import type { Cell } from "./grid.ts";
import { appendJsonLine, readJsonLines } from "./jsonl.ts";

/** Options of {@link runGrid}. */
export interface GridRunOptions {
  data: GridData;
  budget: Budget;
  /** JSON-lines results log (read for resume, appended to). */
  logPath: string;
  runner: CellRunner;
  /** Show a progress bar over cells (default true). */
  progress?: boolean;
  /** Called with each result as it is logged. */
  onResult?: (result: CellResult, reused: boolean) => void;
  /** Only collect logged results; cells without one are skipped (for re-drawing reports). */
  reportOnly?: boolean;
}

/** Budget fields that affect a cell of `model`: the SVM ignores the CNN's and vice versa. */
export const BUDGET_FIELDS: Record<"svm" | "cnn", readonly (keyof Budget)[]> = {
  svm: ["svmLimit", "svmC"],
  cnn: ["epochs", "limit", "valLimit", "batchSize"],
};

/** True when two budgets agree on every field that affects a cell of `model`. */
export function sameBudget(model: Cell["model"], a: Budget, b: Budget): boolean {
  return BUDGET_FIELDS[model === "svm" ? "svm" : "cnn"].every((k) => a[k] === b[k]);
}

/** Runs (or reuses) every cell; returns results in grid order. */
export async function runGrid(
  cells: readonly Cell[],
  options: GridRunOptions,
): Promise<CellResult[]> {
  const logged = await readJsonLines<CellResult>(options.logPath);
  const done = new Map<string, CellResult>();
  const models = new Map(cells.map((c) => [c.id, c.model]));
  for (const r of logged) {
    const model = models.get(r.id);
    if (model && sameBudget(model, r.budget, options.budget)) done.set(r.id, r);
  }
  const todo = options.reportOnly ? [] : cells.filter((c) => !done.has(c.id));
  const bar = options.progress === false || todo.length === 0
    ? undefined
    : new ProgressBar({ total: todo.length, label: "grid", unit: "cells" });
  const results: CellResult[] = [];
  let ran = 0;
  for (const cell of cells) {
    const previous = done.get(cell.id);
    if (previous) {
      results.push(previous);
      options.onResult?.(previous, true);
      continue;
    }
    if (options.reportOnly) continue;
    const started = performance.now();
    const outcome = await options.runner(cell, options.data, options.budget);
    const result: CellResult = {
      id: cell.id,
      model: cell.model,
      featureSet: cell.featureSet.id,
      classes: cell.classes,
      batchNorm: cell.batchNorm,
      ...outcome,
      seconds: (performance.now() - started) / 1000,
      budget: options.budget,
      finishedAt: new Date().toISOString(),
    };
    await appendJsonLine(options.logPath, result);
    results.push(result);
    options.onResult?.(result, false);
    bar?.update(++ran, `${cell.id} ${(result.accuracy * 100).toFixed(1)}%`);
  }
  bar?.done();
  return results;
}
