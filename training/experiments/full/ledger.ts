/**
 * The study's ledger: one small JSON file per finished cell (`results/full-study/ID.json` in the
 * repository for the full budget), written when the cell is done and committed with the report.
 * Run folders live outside the repository and a later session may not find them; a cell in the
 * ledger is done whatever the disk holds, and its PublicTest answers (one digit per image) still
 * feed the paired tests. A recorded cell counts only while its defining flags (recipe, epochs,
 * seed, inputs, budget) are the ones the study now gives it; change a recipe and it runs again.
 *
 * @example Read what the repository's ledger holds for every cell
 * ```ts
 * import { studyCells } from "./cells.ts";
 * import { readLedger, REPOSITORY_LEDGER } from "./ledger.ts";
 * const done = await readLedger(REPOSITORY_LEDGER, studyCells());
 * console.log([...done.keys()]);
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { classOrder } from "../../compare/pairs.ts";
import type { CellResult } from "../cells.ts";
import type { EpochRecord } from "../../loop/history.ts";
import type { TrainConfig } from "../../config.ts";
import { isSameCell, type StudyCell } from "./cells.ts";
import { type EpochScore, readJsonIfPresent, type RunPredictions } from "./score_run.ts";
import { checkpointState, dropParked, parkedDir, readParked } from "./parking.ts";
import {
  cellRunDir,
  type CellState,
  cellState,
  runFolderState,
  type StudyPaths,
  svmResults,
} from "./state.ts";

/** Where the full-budget study records its cells: `results/full-study/` of the repository. */
export const REPOSITORY_LEDGER = new URL("../../../results/full-study", import.meta.url).pathname;

/** A cell's PublicTest answers, one character per image in the prepared split's order. */
export interface CompactPredictions {
  /** The chosen epoch. */
  epoch: number;
  /** Share right (checked against `truth` and `predicted` on reading). */
  accuracy: number;
  /** Class names; the digits below index them. */
  classNames: string[];
  /** True class of image i, as a digit. */
  truth: string;
  /** Predicted class of image i, as a digit; `-` for no answer. */
  predicted: string;
}

/** One recorded cell (`ID.json`). */
export interface LedgerEntry {
  id: string;
  /** The cell's defining flags when it ran; the entry counts only while they are unchanged. */
  flags: string[];
  /** ISO time it was recorded. */
  recordedAt: string;
  /** CNN: the run's `history.json`. */
  history: EpochRecord[];
  /** CNN: the run's `config.json`. */
  config?: TrainConfig;
  /** CNN: the chosen epoch's PublicTest answers. */
  predictions?: CompactPredictions;
  /** Model A and B: PublicTest accuracy by epoch. */
  epochScores?: EpochScore[];
  /** SVM: the logged result. */
  svm?: CellResult;
}

/** Path of a cell's entry in `dir`. */
export function ledgerPath(dir: string, id: string): string {
  return join(dir, `${id}.json`);
}

/** Packs a run's predictions (ids must be the split's rows `0..n-1`, as `score_run.ts` writes). */
export function compactPredictions(run: RunPredictions, classNames: string[]): CompactPredictions {
  if (classNames.length > 10) throw new RangeError("at most 10 classes fit one digit each");
  const digit = (name: string | number | null, i: number) => {
    if (name === null) return "-";
    const index = classNames.indexOf(String(name));
    if (index < 0) throw new Error(`image ${i}: class ${name} is not one of ${classNames}`);
    return String(index);
  };
  let truth = "";
  let predicted = "";
  run.items.forEach((item, i) => {
    if (item.id !== String(i)) throw new Error(`item ${i} has id ${item.id}; expected ${i}`);
    truth += digit(item.label, i);
    predicted += digit(item.predicted, i);
  });
  return { epoch: run.epoch, accuracy: run.accuracy, classNames, truth, predicted };
}

/** Unpacks {@link compactPredictions}; throws when the stored accuracy does not match. */
export function expandPredictions(packed: CompactPredictions, name: string): RunPredictions {
  const { truth, predicted, classNames } = packed;
  if (truth.length !== predicted.length) {
    throw new Error(`${name}: ${truth.length} true classes but ${predicted.length} predictions`);
  }
  const cls = (c: string) => (c === "-" ? null : classNames[Number(c)] ?? null);
  const items = Array.from(truth, (t, i) => ({
    id: String(i),
    label: cls(t) ?? t,
    predicted: cls(predicted[i]),
  }));
  const right = items.filter((r) => r.predicted !== null && r.predicted === r.label).length;
  if (items.length === 0 || Math.abs(right / items.length - packed.accuracy) > 1e-9) {
    throw new Error(
      `${name}: its answers score ${right} of ${items.length}, not the recorded accuracy ` +
        `${packed.accuracy}`,
    );
  }
  return { epoch: packed.epoch, accuracy: packed.accuracy, items };
}

/**
 * The recorded cells of `cells` in `dir` as done states, by id; an entry whose flags differ from
 * the cell's is skipped (with a line on stderr), a missing folder is an empty ledger.
 */
export async function readLedger(
  dir: string,
  cells: readonly StudyCell[],
  log: (line: string) => void = (line) => console.error(line),
): Promise<Map<string, CellState>> {
  const states = new Map<string, CellState>();
  for (const cell of cells) {
    const path = ledgerPath(dir, cell.id);
    const entry = await readJsonIfPresent<LedgerEntry>(path);
    if (!entry) continue;
    if (!isSameCell(entry, cell)) {
      log(`${path}: recorded with other flags than ${cell.id} now has; the cell runs again`);
      continue;
    }
    states.set(cell.id, {
      phase: "done",
      epochsDone: entry.history.length,
      history: entry.history,
      config: entry.config,
      predictions: entry.predictions ? expandPredictions(entry.predictions, path) : undefined,
      epochScores: entry.epochScores,
      svm: entry.svm,
    });
  }
  return states;
}

/** Records a done cell in `dir` (written whole, then renamed); its parked run there goes. */
export async function recordCell(dir: string, cell: StudyCell, state: CellState): Promise<void> {
  if (state.phase !== "done") throw new Error(`${cell.id} is not done (${state.phase})`);
  const run = state.predictions;
  const entry: LedgerEntry = {
    id: cell.id,
    flags: cell.flags,
    recordedAt: new Date().toISOString(),
    history: state.history,
    config: state.config,
    predictions: run ? compactPredictions(run, classNamesOf(run)) : undefined,
    epochScores: state.epochScores,
    svm: state.svm,
  };
  await Deno.mkdir(dir, { recursive: true });
  const path = ledgerPath(dir, cell.id);
  await Deno.writeTextFile(`${path}.tmp`, JSON.stringify(entry, null, 1) + "\n");
  await Deno.rename(`${path}.tmp`, path);
  await dropParked(dir, cell.id);
}

/** The class names a run uses, ordered as `compare --pairs` orders them (`classOrder`). */
function classNamesOf(run: RunPredictions): string[] {
  const values = run.items.flatMap((r) =>
    r.predicted === null ? [r.label] : [r.label, r.predicted]
  );
  return classOrder(values).names;
}

/**
 * The states of `cells` (ledger first, then the disk, then the ledger's parked runs for cells
 * with no run folder). A run folder still at the checkpoint it was parked from counts as parked,
 * so the report drawn right after parking says so. With `record`, a cell that the disk says is
 * done but the ledger lacks is recorded now, so it outlives its run folder.
 */
export async function studyStates(
  cells: readonly StudyCell[],
  paths: StudyPaths,
  svmLimit: number,
  options: { record?: boolean; log?: (line: string) => void } = {},
): Promise<CellState[]> {
  const svm = await svmResults(paths.root, svmLimit);
  const recorded = paths.ledger ? await readLedger(paths.ledger, cells, options.log) : new Map();
  const states: CellState[] = [];
  for (const cell of cells) {
    let state = await cellState(cell, paths.root, svm, recorded);
    if (
      state.phase === "pending" && cell.model !== "svm" && paths.ledger &&
      await readParked(paths.ledger, cell, options.log)
    ) {
      state = { ...await runFolderState(cell, parkedDir(paths.ledger, cell.id)), parked: true };
    } else if (state.phase === "training" && paths.ledger) {
      state = {
        ...state,
        parked: await isAtParkedCheckpoint(paths.ledger, paths.root, cell, options.log),
      };
    }
    if (options.record && paths.ledger && state.phase === "done" && !recorded.has(cell.id)) {
      await recordCell(paths.ledger, cell, state);
    }
    states.push(state);
  }
  return states;
}

/** Whether `cell`'s run folder under `root` stands where its parked copy in `ledger` stopped. */
async function isAtParkedCheckpoint(
  ledger: string,
  root: string,
  cell: StudyCell,
  log?: (line: string) => void,
): Promise<boolean> {
  const record = await readParked(ledger, cell, log);
  if (!record) return false;
  const here = await checkpointState(cellRunDir(root, cell));
  return here?.step === record.step;
}
