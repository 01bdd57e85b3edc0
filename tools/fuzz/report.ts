/**
 * The fuzz run's summary as text: status histogram, findings with the cases behind them, the
 * slowest cases and the server's memory.
 *
 * @module
 */
import { type CaseRecord, failures, type FuzzReport } from "./fuzz.ts";
import { mb } from "./rss.ts";
import { percentile } from "../../term/latency_stats.ts";

/** One case on one line: where it was, what it was, how it was answered. */
export function describeCase(record: CaseRecord): string {
  const where = record.index === undefined ? `corpus #${record.position}` : `case ${record.index}`;
  const body = record.body.replace(/\s+/g, " ").slice(0, 110);
  const poisoned = record.whilePoisoned ? " (sent while poisoned)" : "";
  return `${where} [${record.generator}] ${record.label}${poisoned} -> ` +
    `${record.status} in ${record.ms} ms` +
    (body ? `: ${body}` : "");
}

function section(title: string, records: CaseRecord[], limit = 10): string[] {
  if (records.length === 0) return [`${title}: 0`];
  const lines = [`${title}: ${records.length}`];
  for (const record of records.slice(0, limit)) lines.push(`  ${describeCase(record)}`);
  if (records.length > limit) lines.push(`  ... and ${records.length - limit} more`);
  return lines;
}

/** Statuses sorted with numbers first. */
function sortedStatuses(map: Map<string, number>): [string, number][] {
  return [...map].sort(([a], [b]) =>
    (Number(a) || 1000) - (Number(b) || 1000) || a.localeCompare(b)
  );
}

/** The full summary of a run. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `fuzz: target ${report.target}, seed ${report.seed}, ${report.sent} cases in ` +
    `${report.seconds.toFixed(1)} s`,
    "status histogram:",
  ];
  for (const [status, n] of sortedStatuses(report.histogram)) {
    lines.push(`  ${status.padEnd(8)} ${n}`);
  }
  lines.push("by generator:");
  for (const [name, statuses] of [...report.byGenerator].sort()) {
    const parts = sortedStatuses(statuses).map(([s, n]) => `${s}x${n}`);
    lines.push(`  ${name.padEnd(16)} ${parts.join(" ")}`);
  }
  lines.push(...section("5xx answers", report.serverErrors));
  lines.push(
    `poisonings: ${report.poisonings.length} (a canary differed from the start after ` +
      `${report.poisonedAfter} of ${report.sent} cases)`,
  );
  for (const { record, mismatches } of report.poisonings.slice(0, 10)) {
    lines.push(`  after ${describeCase(record)}`);
    for (const m of mismatches) {
      lines.push(`    canary ${m.name}: expected ${m.expected.slice(0, 60)}...`);
      lines.push(`    ${" ".repeat(m.name.length + 7)} got ${m.got.slice(0, 100)}`);
    }
  }
  lines.push(...section("stalls", report.stalls));
  lines.push(...section("dropped connections or crashes", report.dropped));
  lines.push(...section("memory blow-ups (server killed over the cap)", report.memoryBlowups));
  lines.push(...section("broken inputs answered 2xx", report.acceptedBad));
  lines.push(...section("error bodies naming internals", report.leaks));
  lines.push(
    ...section("4xx bodies not {error, code} (reported, not a failure)", report.badErrorShape, 5),
  );
  lines.push(...section("slowest", report.slowest, 5));
  const { start, end, max } = report.rss;
  const growth = start !== undefined && end !== undefined ? ` (growth ${mb(end - start)})` : "";
  lines.push(`RSS: start ${mb(start)}, end ${mb(end)}, max ${mb(max)}${growth}`);
  if (report.canaryMs.length > 0) {
    lines.push(`canary round p50: ${percentile(report.canaryMs, 0.5).toFixed(0)} ms`);
  }
  const found = failures(report);
  lines.push(found.length === 0 ? "PASS: no 5xx, no poisoning" : `FAIL: ${found.join(", ")}`);
  return lines.join("\n");
}
