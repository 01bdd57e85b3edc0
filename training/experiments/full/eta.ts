/**
 * The study's time-to-go estimate, shown on each grid line: remaining epochs times the seconds an
 * epoch of that network takes, measured from the run folders as soon as one epoch of it exists,
 * else assumed (see {@link ASSUMED_EPOCH_SECONDS}). An estimate: the machine's other load changes it
 * by 2-3x.
 *
 * @module
 */
import type { StudyCell, StudyModel } from "./cells.ts";
import type { CellState } from "./state.ts";

/**
 * Training seconds of one 7-class epoch (Training minus Selection, 25,836 images) with
 * `--workers 2`: the default network's as the study's own 7-class cells took (3.4 and 4.2 min
 * an epoch, 2026-12-02); Model A ~10 min and Model B ~14.5 min per 28,709 images on an idle
 * machine (docs/models.md), times 0.9.
 */
export const ASSUMED_EPOCH_SECONDS: Record<Exclude<StudyModel, "svm">, number> = {
  default: 230,
  a: 540,
  b: 780,
};
/** Seconds of one SVM cell (the 8 took 31.6 min next to a training run, docs/experiments.md). */
export const ASSUMED_SVM_SECONDS = 240;
/** Training images of the 5 expressions over those of all 7 (24,176 / 28,709). */
export const FIVE_OVER_SEVEN = 24176 / 28709;

function mean(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Mean training seconds of the last (up to) three epochs of a run, or undefined before one. */
function epochSeconds(state: CellState): number | undefined {
  const last = state.history.slice(-3);
  return last.length ? mean(last.map((h) => h.seconds)) : undefined;
}

/** The estimate and what it rests on. */
export interface Estimate {
  seconds: number;
  /** e.g. `measured default 2.1 min/epoch; assumed a, b`. */
  basis: string;
}

/** Seconds left for each of `cells` (0 when done) and what the figures rest on. */
export function estimateCells(
  cells: readonly StudyCell[],
  states: readonly CellState[],
  workers: 1 | 2,
): { seconds: number[]; basis: string } {
  const measured = new Map<string, number[]>();
  cells.forEach((cell, i) => {
    const s = epochSeconds(states[i]);
    if (s === undefined) return;
    const key = `${cell.model}-${cell.classes}`;
    measured.set(key, [...(measured.get(key) ?? []), s]);
  });
  const used = new Set<string>();
  const assumed = new Set<string>();
  const perEpoch = (cell: StudyCell): number => {
    const own = measured.get(`${cell.model}-${cell.classes}`);
    const other = measured.get(`${cell.model}-${cell.classes === 5 ? 7 : 5}`);
    const scale = cell.classes === 5 ? FIVE_OVER_SEVEN : 1;
    if (own) {
      used.add(cell.model);
      return mean(own);
    }
    if (other) {
      used.add(cell.model);
      return mean(other) * (cell.classes === 5 ? FIVE_OVER_SEVEN : 1 / FIVE_OVER_SEVEN);
    }
    assumed.add(cell.model);
    const model = cell.model as Exclude<StudyModel, "svm">;
    return ASSUMED_EPOCH_SECONDS[model] * scale * (workers === 1 ? 2 : 1);
  };
  const svmSeconds = states.flatMap((s) => s.svm ? [s.svm.seconds] : []);
  const seconds = cells.map((cell, i) => {
    const state = states[i];
    if (state.phase === "done") return 0;
    if (cell.model === "svm") {
      (svmSeconds.length ? used : assumed).add("svm");
      return svmSeconds.length ? mean(svmSeconds) : ASSUMED_SVM_SECONDS;
    }
    return Math.max(0, cell.epochs - state.epochsDone) * perEpoch(cell);
  });
  const parts = [
    used.size ? `measured ${[...used].join(", ")}` : "",
    assumed.size ? `assumed ${[...assumed].join(", ")} from docs/models.md` : "",
  ].filter(Boolean);
  return { seconds, basis: parts.join("; ") || "nothing left" };
}

/** Seconds left for `cells` (states in the same order) at `workers`. */
export function estimateRemaining(
  cells: readonly StudyCell[],
  states: readonly CellState[],
  workers: 1 | 2,
): Estimate {
  const { seconds, basis } = estimateCells(cells, states, workers);
  return { seconds: seconds.reduce((a, b) => a + b, 0), basis };
}

/** `2026-12-02 18:15 UTC`: an ISO time (or a date) to the minute, as the study's lines print it. */
export function formatUtcMinute(time: string | Date): string {
  const iso = typeof time === "string" ? time : time.toISOString();
  return `${iso.slice(0, 16).replace("T", " ")} UTC`;
}

/** `3.4 h` or `25 min`. */
export function formatHours(seconds: number): string {
  return seconds >= 3600 ? `${(seconds / 3600).toFixed(1)} h` : `${Math.round(seconds / 60)} min`;
}

/**
 * `--until`: `HH:MM` (UTC, the next such time after `now`) or an ISO date and time; throws on
 * anything else.
 *
 * @example
 * ```ts
 * parseDeadline("15:20", new Date("2026-12-02T12:40:00Z")).toISOString(); // 2026-12-02T15:20:00.000Z
 * ```
 */
export function parseDeadline(value: string, now: Date = new Date()): Date {
  const clock = /^(\d{1,2}):(\d{2})$/.exec(value);
  if (clock) {
    const [hours, minutes] = [Number(clock[1]), Number(clock[2])];
    if (hours > 23 || minutes > 59) throw new RangeError(`--until ${value}: not a time of day`);
    const at = new Date(now);
    at.setUTCHours(hours, minutes, 0, 0);
    if (at.getTime() <= now.getTime()) at.setUTCDate(at.getUTCDate() + 1);
    return at;
  }
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new RangeError(`--until ${value}: give HH:MM (UTC) or an ISO date and time`);
  }
  return at;
}
