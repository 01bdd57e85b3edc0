/**
 * The final summary table of `deno task prepare`: split x class counts, absent splits, skipped rows
 * and timing.
 *
 * @module
 */
import type { PreparedManifest } from "../data/cache.ts";
import { SPLIT_NAMES } from "../data/cache.ts";
import type { FerCsvStats } from "../data/fer_csv.ts";

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))))
    .map((r) => r.join("  ").trimEnd())
    .join("\n");
}

/** Formats the summary of a prepared cache (and of the conversion, when `stats` is given). */
export function formatSummary(
  manifest: PreparedManifest,
  details: { stats?: FerCsvStats; seconds: number; upToDate: boolean; out: string },
): string {
  const header = ["split", ...manifest.labels, "total"];
  const rows = [header];
  const absent: string[] = [];
  for (const split of SPLIT_NAMES) {
    const info = manifest.splits[split];
    if (!info) {
      absent.push(split);
      continue;
    }
    rows.push([split, ...info.classCounts.map(String), String(info.count)]);
  }
  const lines = [table(rows)];
  if (absent.length > 0) {
    lines.push(`not in the source (absent from the output): ${absent.join(", ")}`);
  }
  const features = Object.entries(manifest.features).map(([name, n]) => `${name} ${n}`);
  lines.push(
    `features per image: ${features.length > 0 ? features.join(", ") : "none (images only)"}`,
  );
  const { stats } = details;
  if (stats) {
    const bad = Object.entries(stats.bad);
    const badTotal = bad.reduce((n, [, count]) => n + count, 0);
    const badText = badTotal === 0
      ? "0"
      : `${badTotal} (${bad.map(([kind, count]) => `${kind} ${count}`).join(", ")})`;
    lines.push(
      `rows read ${stats.rows}, kept ${stats.yielded}, skipped bad ${badText}, ` +
        `not in --expressions ${stats.filtered}, over --limit ${stats.overLimit}`,
    );
  }
  const verb = details.upToDate ? "up to date, nothing to do" : "converted";
  lines.push(`${verb} in ${details.seconds.toFixed(1)} s -> ${details.out}`);
  return lines.join("\n");
}
