/**
 * What `deno task prepare` and `deno task evaluate --csv` print about the CSV rows they skipped:
 * a count, then the first few rows with their line numbers and reasons, so that no good row is lost
 * without a word.
 *
 * @module
 */
import type { BadRow } from "./data/fer_csv.ts";

/** How many skipped rows are listed one by one. */
export const MAX_BAD_ROWS_SHOWN = 10;

/**
 * Collects skipped rows (pass {@link BadRowLog.add} as `onBadRow`) and formats the report.
 *
 * @example
 * ```ts
 * const log = new BadRowLog();
 * await loadFerCsvSplits("fer2013.csv", { onBadRow: log.add });
 * for (const line of log.report()) console.error(line);
 * ```
 */
export class BadRowLog {
  /** Rows skipped so far. */
  count = 0;
  /** The first {@link MAX_BAD_ROWS_SHOWN} of them. */
  readonly shown: BadRow[] = [];

  /** Records one skipped row (bound, so it can be passed as a callback). */
  add = (bad: BadRow): void => {
    if (this.count++ < MAX_BAD_ROWS_SHOWN) this.shown.push(bad);
  };

  /**
   * The report lines: none when nothing was skipped, else
   * `skipped 3 bad rows (first 10 listed):` followed by `  line 5: reason` lines.
   */
  report(): string[] {
    if (this.count === 0) return [];
    const listed = this.count > this.shown.length ? ` (first ${this.shown.length} listed)` : "";
    return [
      `skipped ${this.count} bad row${this.count === 1 ? "" : "s"}${listed}:`,
      ...this.shown.map((bad) => `  line ${bad.line}: ${bad.reason}`),
    ];
  }
}
