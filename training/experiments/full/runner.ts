/**
 * Runs the study's cells one at a time, in their fixed order, as child processes: an SVM cell is
 * `deno task experiments --models svm ...` into `ROOT/svm/`, a CNN cell `deno task train --resume`
 * into `ROOT/cells/ID/` followed by its PublicTest scoring (`score_run.ts`). Before each cell the
 * disk says how far it got (`state.ts`), so a re-run skips finished cells and resumes the one that
 * was stopped from its checkpoint; a run folder started with other flags is refused rather than
 * continued.
 *
 * @module
 */
import { join } from "node:path";
import { parseTrainArgs } from "../../cli_config.ts";
import type { TrainConfig } from "../../config.ts";
import type { StudyCell } from "./cells.ts";
import type { ChildOutcome, ChildRunner } from "./child.ts";
import { estimateCells, formatHours } from "./eta.ts";
import {
  cellRunDir,
  type CellState,
  cellState,
  describeState,
  type StudyPaths,
  svmDir,
  svmResults,
} from "./state.ts";
import { subsetDir } from "./subset_data.ts";
import { recordCell, studyStates } from "./ledger.ts";

/** Options of {@link runStudy}. */
export interface StudyRunOptions {
  paths: StudyPaths;
  /** `--workers` of the training cells. */
  workers: 1 | 2;
  /** Training images of an SVM cell (0 = all), as logged in `results.jsonl`. */
  svmLimit: number;
  /** Runs one child; see `child.ts`. */
  runChild: ChildRunner;
  /** Progress lines (default stderr). */
  log?: (line: string) => void;
  /** Called after each cell that this call finished (e.g. to redraw the report). */
  afterCell?: (cell: StudyCell) => Promise<void>;
  /**
   * Start no cell whose estimate ({@link estimateCells}) would take it past this time; it is left
   * for a later call, and cheaper cells after it still run (a session's end, `--until`).
   */
  deadline?: Date;
  /** The clock (tests). */
  now?: () => number;
}

/** Outcome of {@link runStudy}. */
export interface StudyOutcome {
  /** Whether every selected cell is done. */
  complete: boolean;
  /** Cells this call finished. */
  finished: string[];
  /** Cells left for later because they would not end by the deadline. */
  deferred: string[];
  /** The cell that stopped the run, its exit code and signal. */
  stopped?: { cell: string } & ChildOutcome;
}

/** The prepared data a cell trains on: the 7-expression folder or the 5-expression cut of it. */
export function cellData(cell: StudyCell, paths: StudyPaths): string {
  return cell.classes === 7 ? paths.data : subsetDir(paths.root, cell.classes);
}

/** The child command of a cell's main step: `{ script, args }` under `training/`. */
export function cellCommand(
  cell: StudyCell,
  paths: StudyPaths,
  workers: 1 | 2,
): { script: string; args: string[] } {
  if (cell.model === "svm") {
    return {
      script: "commands/experiments.ts",
      args: [...cell.flags, "--data", paths.data, "--out", svmDir(paths.root)],
    };
  }
  return {
    script: "commands/train.ts",
    args: [
      "--run-dir",
      cellRunDir(paths.root, cell),
      "--resume",
      "--data",
      cellData(cell, paths),
      ...cell.flags,
      "--workers",
      String(workers),
    ],
  };
}

/** The child command that scores a trained CNN cell on PublicTest. */
export function scoreCommand(
  cell: StudyCell,
  paths: StudyPaths,
): { script: string; args: string[] } {
  return {
    script: "experiments/full/score_run.ts",
    args: [cellRunDir(paths.root, cell), ...(cell.perEpoch ? ["--per-epoch"] : [])],
  };
}

/**
 * Throws, naming the fields, when the run folder's `config.json` differs from what the cell's
 * flags resolve to: continuing it would mix two recipes in one cell.
 */
export async function checkRunConfig(
  cell: StudyCell,
  saved: TrainConfig,
  args: string[],
): Promise<void> {
  const { config } = await parseTrainArgs(args);
  const keys = [
    ...new Set([...Object.keys(config), ...Object.keys(saved)]),
  ] as (keyof TrainConfig)[];
  const differ = keys.filter((k) => JSON.stringify(config[k]) !== JSON.stringify(saved[k]));
  if (differ.length) {
    throw new Error(
      `${cell.id}: its run folder was started with other settings (${
        differ.map((k) =>
          `${k} ${JSON.stringify(saved[k])} there, ${JSON.stringify(config[k])} now`
        )
          .join("; ")
      }); remove ${join("cells", cell.id)} under the study folder to start it again`,
    );
  }
}

/** Runs every cell of `cells` that is not done, in order; stops at the first failure or stop. */
export async function runStudy(
  cells: readonly StudyCell[],
  options: StudyRunOptions,
): Promise<StudyOutcome> {
  const { paths } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const finished: string[] = [];
  // Also records any done cell the ledger lacks (a run folder from before the ledger).
  const states = () => studyStates(cells, paths, options.svmLimit, { record: true, log });
  const deferred: string[] = [];
  const now = options.now ?? Date.now;
  for (const [index, cell] of cells.entries()) {
    const all = await states();
    const state = all[index];
    const label = `grid [${index + 1}/${cells.length}] ${cell.id}`;
    if (state.phase === "done") continue;
    const done = all.filter((s) => s.phase === "done").length;
    const estimate = estimateCells(cells, all, options.workers);
    const own = estimate.seconds[index];
    const left = estimate.seconds.reduce((a, b) => a + b, 0);
    if (options.deadline && now() + own * 1000 > options.deadline.getTime()) {
      log(
        `${label}: left for later, about ${formatHours(own)} would end after ` +
          `${options.deadline.toISOString().slice(0, 16).replace("T", " ")} UTC`,
      );
      deferred.push(cell.id);
      continue;
    }
    log(
      `${label}: ${describeState(cell, state)}; ${done} of ${cells.length} cells done, ` +
        `about ${formatHours(left)} to go (${estimate.basis})`,
    );
    const stopped = await runCell(cell, state, options);
    if (stopped) {
      log(`${label}: stopped (${stopped.stop ?? `exit code ${stopped.code}`})`);
      return { complete: false, finished, deferred, stopped: { cell: cell.id, ...stopped } };
    }
    finished.push(cell.id);
    log(`${label}: done`);
    // Recorded now, not at the next cell's look: the last cell has none.
    if (paths.ledger) await recordCell(paths.ledger, cell, await diskState(cell, options));
    await options.afterCell?.(cell);
  }
  return { complete: deferred.length === 0, finished, deferred };
}

/** What the run folders (and the SVM log) alone say about `cell`. */
async function diskState(cell: StudyCell, options: StudyRunOptions): Promise<CellState> {
  return await cellState(
    cell,
    options.paths.root,
    await svmResults(options.paths.root, options.svmLimit),
  );
}

/** Runs a cell's remaining steps; returns the outcome that stopped it, or undefined when done. */
async function runCell(
  cell: StudyCell,
  state: CellState,
  options: StudyRunOptions,
): Promise<ChildOutcome | undefined> {
  const { paths } = options;
  const failed = (o: ChildOutcome) => o.code !== 0 || o.stop !== undefined;
  const main = cellCommand(cell, paths, options.workers);
  if (cell.model === "svm") {
    const outcome = await options.runChild(main.script, main.args);
    if (failed(outcome)) return outcome;
    return (await diskState(cell, options)).phase === "done" ? undefined : { code: 1 };
  }
  if (state.phase === "pending" || state.phase === "training") {
    if (state.config) await checkRunConfig(cell, state.config, main.args);
    const outcome = await options.runChild(main.script, main.args);
    if (failed(outcome)) return outcome;
    // A run that ends short of its epochs (it should not: no early stopping here) is no result.
    if ((await cellState(cell, paths.root)).phase === "training") return { code: 1 };
  }
  const score = scoreCommand(cell, paths);
  const outcome = await options.runChild(score.script, score.args);
  return failed(outcome) ? outcome : undefined;
}
