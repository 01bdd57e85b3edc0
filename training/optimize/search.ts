/**
 * The search loop: keeps up to `parallel` trials in flight, suggests each new point from the trials
 * finished so far (TPE or random), and appends every finished trial to a JSON-lines log. Re-running
 * with the same log resumes: finished trials are read back (and feed TPE), trial numbers continue,
 * and trials that were in flight when the process died run again.
 *
 * @module
 */
import { ProgressBar } from "../../term/progress.ts";
import { appendJsonLine, readJsonLines } from "../experiments/jsonl.ts";
import type { Param, Params } from "./space.ts";
import { seededRandom } from "../rng.ts";
import { type Observation, randomParams, suggestTpe, type TpeOptions } from "./tpe.ts";

/** What evaluating one point produced. */
export interface TrialOutcome {
  /** PublicTest accuracy of the best epoch (0..1). */
  accuracy: number;
  /** Epoch that reached it. */
  bestEpoch?: number;
  /** Epochs run. */
  epochs?: number;
}

/** One logged trial. */
export interface TrialRecord {
  /** 0-based trial number. */
  trial: number;
  /** The point tried. */
  params: Params;
  status: "ok" | "error";
  /** With status ok. */
  accuracy?: number;
  bestEpoch?: number;
  epochs?: number;
  /** With status error: what went wrong. */
  error?: string;
  /** Wall-clock seconds. */
  seconds: number;
  /** How the point was chosen. */
  algo: "tpe" | "random";
  finishedAt: string;
}

/** Trains and scores one point; `trial` is its number (for log files). */
export type TrialEvaluator = (params: Params, trial: number) => Promise<TrialOutcome>;

/** Options of {@link runSearch}. */
export interface SearchOptions {
  space: readonly Param[];
  /** Total trials wanted, counting those already in the log. */
  maxEvals: number;
  /** Trials run at once (default 1). */
  parallel?: number;
  /** JSON-lines trial log (read for resume, appended to). */
  logPath: string;
  evaluate: TrialEvaluator;
  /** `tpe` (default) or `random`. */
  algo?: "tpe" | "random";
  /** Seed of the suggestions (default 1). */
  seed?: number;
  tpe?: TpeOptions;
  /** Progress bar over trials (default true). */
  progress?: boolean;
  /** Called after each trial is logged. */
  onTrial?: (record: TrialRecord) => void;
}

/** Finished, successful trials as TPE observations. */
export function observationsOf(records: readonly TrialRecord[]): Observation[] {
  return records.filter((r) => r.status === "ok").map((r) => ({
    params: r.params,
    score: r.accuracy!,
  }));
}

/** The best successful trial, or undefined. */
export function bestTrial(records: readonly TrialRecord[]): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const r of records) {
    if (r.status === "ok" && (!best || r.accuracy! > best.accuracy!)) best = r;
  }
  return best;
}

/** Runs trials until the log holds `maxEvals`; returns every record, old and new, by trial. */
export async function runSearch(options: SearchOptions): Promise<TrialRecord[]> {
  const parallel = Math.max(1, options.parallel ?? 1);
  const algo = options.algo ?? "tpe";
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(options.maxEvals) && options.maxEvals >= 1)) {
    throw new Error(`max-evals must be an integer >= 1, got ${options.maxEvals}`);
  }
  const records = await readJsonLines<TrialRecord>(options.logPath);
  const finished = new Set(records.map((r) => r.trial));
  let next = 0;
  const nextTrial = () => {
    while (finished.has(next)) next++;
    return next++;
  };
  const remaining = Math.max(0, options.maxEvals - records.length);
  const bar = options.progress === false || remaining === 0
    ? undefined
    : new ProgressBar({ total: remaining, label: "trials", unit: "trials" });
  let launched = 0;
  let done = 0;
  const inFlight = new Map<number, Promise<void>>();
  const launch = () => {
    const trial = nextTrial();
    // Each trial's draws depend only on the seed, its number and the finished trials.
    const random = seededRandom(seed * 1000003 + trial);
    const params = algo === "tpe"
      ? suggestTpe(options.space, observationsOf(records), random, options.tpe)
      : randomParams(options.space, random);
    const started = performance.now();
    const task = options.evaluate(params, trial).then(
      (outcome): TrialRecord => ({
        trial,
        params,
        status: "ok",
        ...outcome,
        seconds: (performance.now() - started) / 1000,
        algo,
        finishedAt: new Date().toISOString(),
      }),
      (error): TrialRecord => ({
        trial,
        params,
        status: "error",
        error: error instanceof Error ? error.message : String(error),
        seconds: (performance.now() - started) / 1000,
        algo,
        finishedAt: new Date().toISOString(),
      }),
    ).then(async (record) => {
      await appendJsonLine(options.logPath, record);
      records.push(record);
      inFlight.delete(trial);
      options.onTrial?.(record);
      const best = bestTrial(records);
      bar?.update(
        ++done,
        best ? `best ${(best.accuracy! * 100).toFixed(2)}% (trial ${best.trial})` : "",
      );
    });
    inFlight.set(trial, task);
    launched++;
  };
  while (launched < remaining || inFlight.size > 0) {
    while (launched < remaining && inFlight.size < parallel) launch();
    await Promise.race(inFlight.values());
  }
  bar?.done();
  return [...records].sort((a, b) => a.trial - b.trial);
}
