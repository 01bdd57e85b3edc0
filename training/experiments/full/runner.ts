/**
 * Runs the study's cells one at a time, in their fixed order, as child processes: an SVM cell is
 * `deno task experiments --models svm ...` into `ROOT/svm/`, a CNN cell `deno task train --resume`
 * into `ROOT/cells/ID/` followed by its PublicTest scoring (`score_run.ts`). Before each cell the
 * disk says how far it got (`state.ts`), so a re-run skips finished cells and resumes the one that
 * was stopped from its checkpoint; a run folder started with other flags is refused rather than
 * continued. With a deadline (`--until`) the training under way is stopped then and parked in the
 * ledger (`parking.ts`), and the next call, in this session or a later one, continues it.
 *
 * @module
 */
import { join } from "node:path";
import { parseTrainArgs } from "../../cli_config.ts";
import type { TrainConfig } from "../../config.ts";
import type { StudyCell } from "./cells.ts";
import type { ChildOutcome, ChildRunner } from "./child.ts";
import { estimateCells, formatHours, formatUtcMinute } from "./eta.ts";
import { parkCell, parkedDir, unparkCell } from "./parking.ts";
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
   * A session's end (`--until`): no cell starts after it, and the training under way then is
   * stopped and, with a ledger, parked there. A PublicTest scoring under way finishes first.
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
  /** Set when the deadline ended the call: the cell it stopped and where that was parked. */
  deadlineReached?: { cell?: string; parkedIn?: string };
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

/**
 * The child command that scores a trained CNN cell on PublicTest; with `epochsOnly`, only the
 * epochs a per-epoch cell kept so far (before parking it).
 */
export function scoreCommand(
  cell: StudyCell,
  paths: StudyPaths,
  options: { epochsOnly?: boolean } = {},
): { script: string; args: string[] } {
  return {
    script: "experiments/full/score_run.ts",
    args: [
      cellRunDir(paths.root, cell),
      ...(options.epochsOnly ? ["--epochs-only"] : cell.perEpoch ? ["--per-epoch"] : []),
    ],
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

/**
 * Runs every cell of `cells` that is not done, in order; stops at the first failure or stop, or
 * at the deadline.
 */
export async function runStudy(
  cells: readonly StudyCell[],
  options: StudyRunOptions,
): Promise<StudyOutcome> {
  const { paths } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const finished: string[] = [];
  // Also records any done cell the ledger lacks (a run folder from before the ledger).
  const states = () => studyStates(cells, paths, options.svmLimit, { record: true, log });
  const now = options.now ?? Date.now;
  for (const [index, cell] of cells.entries()) {
    if (paths.ledger && cell.model !== "svm") {
      await unparkCell(
        paths.ledger,
        cell,
        cellRunDir(paths.root, cell),
        cellData(cell, paths),
        log,
      );
    }
    const all = await states();
    const state = all[index];
    const label = `grid [${index + 1}/${cells.length}] ${cell.id}`;
    if (state.phase === "done") continue;
    if (options.deadline && now() >= options.deadline.getTime()) {
      log(`${label}: not started, the deadline ${formatUtcMinute(options.deadline)} has passed`);
      return { complete: false, finished, deadlineReached: {} };
    }
    const done = all.filter((s) => s.phase === "done").length;
    const estimate = estimateCells(cells, all, options.workers);
    const left = estimate.seconds.reduce((a, b) => a + b, 0);
    log(
      `${label}: ${describeState(cell, state)}; ${done} of ${cells.length} cells done, ` +
        `about ${formatHours(left)} to go (${estimate.basis})`,
    );
    const stopped = await runCell(cell, state, options);
    if (stopped?.stop === "deadline") {
      const parkedIn = await parkStopped(cell, options);
      log(
        `${label}: stopped at the deadline ${formatUtcMinute(options.deadline!)}` +
          (parkedIn ? `; parked in ${parkedIn}` : ""),
      );
      return { complete: false, finished, deadlineReached: { cell: cell.id, parkedIn } };
    }
    if (stopped) {
      log(`${label}: stopped (${stopped.stop ?? `exit code ${stopped.code}`})`);
      return { complete: false, finished, stopped: { cell: cell.id, ...stopped } };
    }
    finished.push(cell.id);
    log(`${label}: done`);
    // Recorded now, not at the next cell's look: the last cell has none.
    if (paths.ledger) await recordCell(paths.ledger, cell, await diskState(cell, options));
    await options.afterCell?.(cell);
  }
  return { complete: true, finished };
}

/**
 * Parks a CNN cell that the deadline stopped (Model A and B: after scoring the epochs it kept);
 * returns the parked folder, or undefined without a ledger or for an SVM cell (it starts again).
 */
async function parkStopped(
  cell: StudyCell,
  options: StudyRunOptions,
): Promise<string | undefined> {
  const { paths } = options;
  if (!paths.ledger || cell.model === "svm") return undefined;
  const runDir = cellRunDir(paths.root, cell);
  if (cell.perEpoch) {
    const score = scoreCommand(cell, paths, { epochsOnly: true });
    const outcome = await options.runChild(score.script, score.args);
    if (outcome.code !== 0) throw new Error(`${cell.id}: scoring its kept epochs failed`);
  }
  await parkCell(paths.ledger, cell, runDir);
  return parkedDir(paths.ledger, cell.id);
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
  // A training that the deadline reached as it ended (exit code 0) has finished.
  const failed = (o: ChildOutcome) =>
    o.code !== 0 || (o.stop !== undefined && o.stop !== "deadline");
  const main = cellCommand(cell, paths, options.workers);
  const until = { deadline: options.deadline };
  if (cell.model === "svm") {
    const outcome = await options.runChild(main.script, main.args, until);
    if (failed(outcome)) return outcome;
    return (await diskState(cell, options)).phase === "done" ? undefined : { code: 1 };
  }
  if (state.phase === "pending" || state.phase === "training") {
    if (state.config) await checkRunConfig(cell, state.config, main.args);
    const outcome = await options.runChild(main.script, main.args, until);
    if (failed(outcome)) return outcome;
    // A run that ends short of its epochs (it should not: no early stopping here) is no result.
    if ((await cellState(cell, paths.root)).phase === "training") return { code: 1 };
  }
  const score = scoreCommand(cell, paths);
  const outcome = await options.runChild(score.script, score.args);
  return failed(outcome) ? outcome : undefined;
}
