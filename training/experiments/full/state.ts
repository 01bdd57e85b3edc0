/**
 * Where each cell of the study stands, read from the disk only (so any session can pick up where
 * the last one was killed): an SVM cell is done when `ROOT/svm/results.jsonl` holds it at the
 * study's budget; a CNN cell is pending (no run folder), training (fewer epochs in `history.json`
 * than asked, or no `export/` yet: `train --resume` finishes both), scoring (trained, PublicTest
 * predictions not written yet) or done. A cell recorded in the ledger (`ledger.ts`) is done
 * whatever its run folder holds, or if it has none; one parked there (`parking.ts`) and without a
 * run folder here is read from its parked copy.
 *
 * @module
 */
import { join } from "node:path";
import type { CellResult } from "../cells.ts";
import { readJsonLines } from "../jsonl.ts";
import type { EpochRecord } from "../../loop/history.ts";
import type { TrainConfig } from "../../config.ts";
import { exists } from "../../recipe_runner.ts";
import type { StudyCell } from "./cells.ts";
import {
  EPOCH_SCORES_FILE,
  type EpochScore,
  PREDICTIONS_FILE,
  readJsonIfPresent,
  type RunPredictions,
} from "./score_run.ts";

/** The study's folders. */
export interface StudyPaths {
  /** Everything the study writes: `cells/`, `svm/`, `data-5/`. */
  root: string;
  /** The prepared 7-expression data with landmarks, HOG and sliding-window HOG (absolute). */
  data: string;
  /** The ledger folder (`ledger.ts`); without one, only the run folders count. */
  ledger?: string;
}

/** Phase of a cell. */
export type CellPhase = "pending" | "training" | "scoring" | "done";

/** What the disk says about a cell. */
export interface CellState {
  phase: CellPhase;
  /** Finished epochs (CNN). */
  epochsDone: number;
  /** The run's `history.json` (CNN; empty before the first epoch). */
  history: EpochRecord[];
  /** The run's `config.json`, once it has started (CNN). */
  config?: TrainConfig;
  /** The chosen epoch's PublicTest predictions (CNN, once scored). */
  predictions?: RunPredictions;
  /** PublicTest by epoch (cells with `perEpoch`, as far as scored). */
  epochScores?: EpochScore[];
  /** The logged result (SVM). */
  svm?: CellResult;
  /** Read from the ledger's parked copy (`parking.ts`): no run folder here yet. */
  parked?: boolean;
}

/** Run folder of a CNN cell. */
export function cellRunDir(root: string, cell: StudyCell): string {
  return join(root, "cells", cell.id);
}

/** Results folder of the SVM cells (`deno task experiments --out`). */
export function svmDir(root: string): string {
  return join(root, "svm");
}

/** The SVM penalty of `deno task experiments` (its `--svm-c` default), which the study keeps. */
export const SVM_C = 0.1;

/** The SVM cells' logged results at `svmLimit` (0 = all Training images), by cell id. */
export async function svmResults(root: string, svmLimit: number): Promise<Map<string, CellResult>> {
  const logged = await readJsonLines<CellResult>(join(svmDir(root), "results.jsonl"));
  return new Map(
    logged.filter((r) => r.budget.svmLimit === svmLimit && r.budget.svmC === SVM_C)
      .map((r) => [r.id, r]),
  );
}

/**
 * Reads `cell`'s state under `root`; `svm` is {@link svmResults} for SVM cells, `recorded` the
 * ledger's done cells (`ledger.ts`), which win over the disk.
 */
export async function cellState(
  cell: StudyCell,
  root: string,
  svm: Map<string, CellResult> = new Map(),
  recorded: Map<string, CellState> = new Map(),
): Promise<CellState> {
  const fromLedger = recorded.get(cell.id);
  if (fromLedger) return fromLedger;
  if (cell.model === "svm") {
    const result = svm.get(cell.id);
    return { phase: result ? "done" : "pending", epochsDone: 0, history: [], svm: result };
  }
  return await runFolderState(cell, cellRunDir(root, cell));
}

/** What the CNN run folder `dir` says about `cell` (see the module doc). */
export async function runFolderState(cell: StudyCell, dir: string): Promise<CellState> {
  const history = await readJsonIfPresent<EpochRecord[]>(join(dir, "history.json")) ?? [];
  const config = await readJsonIfPresent<TrainConfig>(join(dir, "config.json"));
  const base = { epochsDone: history.length, history, config };
  const trained = history.length >= cell.epochs &&
    await exists(join(dir, "export", "fer-model.json"));
  if (!trained) {
    const started = config !== undefined || await exists(join(dir, "checkpoint"));
    return { ...base, phase: started ? "training" : "pending" };
  }
  const epochScores = cell.perEpoch
    ? await readJsonIfPresent<EpochScore[]>(join(dir, EPOCH_SCORES_FILE)) ?? []
    : undefined;
  const predictions = await readJsonIfPresent<RunPredictions>(join(dir, PREDICTIONS_FILE));
  const allEpochs = !epochScores ||
    history.every((h) => epochScores.some((s) => s.epoch === h.epoch));
  return {
    ...base,
    phase: predictions && allEpochs ? "done" : "scoring",
    predictions,
    epochScores,
  };
}

/**
 * `done`, `in progress (7/25 epochs)`, `parked in the ledger (7/25 epochs)`, `trained, not scored`,
 * `not started`.
 */
export function describeState(cell: StudyCell, state: CellState): string {
  switch (state.phase) {
    case "done":
      return "done";
    case "pending":
      return "not started";
    case "scoring":
      return "trained, PublicTest not scored yet";
    case "training":
      if (state.parked) return `parked in the ledger (${state.epochsDone}/${cell.epochs} epochs)`;
      return state.epochsDone >= cell.epochs
        ? `trained ${state.epochsDone}/${cell.epochs} epochs, not exported yet`
        : `in progress (${state.epochsDone}/${cell.epochs} epochs)`;
  }
}
