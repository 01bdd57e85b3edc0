/**
 * The fuzz loop: sends each case, then the canary; tallies statuses and every finding (5xx,
 * poisonings, stalls, dropped connections, broken inputs answered 200, codec internals in error
 * bodies) and follows the server's memory.
 *
 * @module
 */
import decodeJpeg from "@jsquash/jpeg/decode.js";
import { type FuzzAssets, type FuzzCase, makeAssets } from "./cases.ts";
import { type CanaryMismatch, checkCanary, takeBaseline } from "./canary.ts";
import type { FuzzResponse, Target } from "./targets.ts";
import { type RssTrack, rssTracker } from "./rss.ts";
import { rgbaToPng } from "./png_synth.ts";

/** The face photo every run uses (640x480, one face). */
export const FACE_JPEG_URL: URL = new URL("../../tests/e2e/fixtures/face.jpg", import.meta.url);

/** Loads the face photo and makes its PNG copy. */
export async function loadAssets(): Promise<FuzzAssets> {
  const faceJpeg = await Deno.readFile(FACE_JPEG_URL);
  const decoded = await decodeJpeg(faceJpeg.slice().buffer);
  return makeAssets(faceJpeg, rgbaToPng(decoded));
}

/** One sent case and how it was answered. */
export interface CaseRecord {
  /** Position in the run (corpus first, then the random cases). */
  position: number;
  /** The random case's index (rebuild it with `--seed S --case I`); absent for corpus cases. */
  index?: number;
  generator: string;
  label: string;
  status: FuzzResponse["status"];
  ms: number;
  /** The first 160 characters of the body. */
  body: string;
  /** Sent while the canary was already failing (its answer may be the earlier case's fault). */
  whilePoisoned: boolean;
}

/** A case after which the canary, fine before it, answered differently. */
export interface Poisoning {
  record: CaseRecord;
  mismatches: CanaryMismatch[];
}

/** Everything a run found. */
export interface FuzzReport {
  target: string;
  seed: number;
  /** Cases sent. */
  sent: number;
  /** Every case sent, in order. */
  records: CaseRecord[];
  /** Count by status (`200`, `422`, `closed`, ...). */
  histogram: Map<string, number>;
  /** Count by generator, then by status. */
  byGenerator: Map<string, Map<string, number>>;
  /** Answers with a status of 500 or more. */
  serverErrors: CaseRecord[];
  /** Cases that broke a canary that was fine before them. */
  poisonings: Poisoning[];
  /** Cases after which some canary differed from the baseline (poisoned state included). */
  poisonedAfter: number;
  /** Cases answered only after `stallMs` (or not at all in time). */
  stalls: CaseRecord[];
  /** Connections dropped or failed without an answer (lying Content-Length cases excluded), and
   * server processes that exited. */
  dropped: CaseRecord[];
  /** Cases that took the server over the memory cap (it was killed). */
  memoryBlowups: CaseRecord[];
  /** Broken inputs (expectation `4xx`) answered with a 2xx/3xx. */
  acceptedBad: CaseRecord[];
  /** Error answers naming codec or engine internals (exit(1), wasm traps, ...). */
  leaks: CaseRecord[];
  /** Error answers (4xx) that are not JSON `{ error, code }`; reported, not a failure. */
  badErrorShape: CaseRecord[];
  /** The slowest cases. */
  slowest: CaseRecord[];
  rss: RssTrack;
  /** Milliseconds each canary round (all canary requests after one case) took. */
  canaryMs: number[];
  seconds: number;
}

/** Options for {@link runFuzz}. */
export interface FuzzOptions {
  target: Target;
  assets: FuzzAssets;
  seed: number;
  /** The cases in order, each with its random index (undefined for corpus cases). */
  cases: Iterable<{ fuzzCase: FuzzCase; index?: number }>;
  /** Stop starting new cases after this many seconds. */
  seconds?: number;
  /** A case slower than this is a stall (default 10,000 ms). */
  stallMs?: number;
  /** Called after each case and its canary. */
  onCase?(record: CaseRecord, report: FuzzReport): void;
}

/** Words that only codec or engine internals use; a client should never see them. */
export const INTERNALS =
  /exit\(|unreachable|out of bounds|unwrap_throw|RuntimeError|panicked|allocation failed|table index|\bwasm\b/i;

/** Whether `body` is `{ error: string, code: string }`. */
function isErrorShape(body: string): boolean {
  try {
    const json = JSON.parse(body);
    return typeof json?.error === "string" && typeof json?.code === "string";
  } catch {
    return false;
  }
}

/** Whether the run found anything that fails it (everything but {@link FuzzReport.badErrorShape}). */
export function failures(report: FuzzReport): string[] {
  const found: [string, number][] = [
    ["5xx answers", report.serverErrors.length],
    ["poisonings", report.poisonings.length],
    ["stalls", report.stalls.length],
    ["dropped connections or crashes", report.dropped.length],
    ["memory blow-ups", report.memoryBlowups.length],
    ["broken inputs answered 2xx", report.acceptedBad.length],
    ["error bodies naming internals", report.leaks.length],
  ];
  return found.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}`);
}

function count(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Files `record` under every finding it belongs to. */
function classify(
  report: FuzzReport,
  fuzzCase: FuzzCase,
  record: CaseRecord,
  body: string,
  stallMs: number,
): void {
  const { status } = record;
  if (typeof status === "number" && status >= 500) report.serverErrors.push(record);
  if (status === "timeout" || record.ms > stallMs) report.stalls.push(record);
  const noAnswer = status === "closed" || status === "error";
  if ((noAnswer && fuzzCase.contentLength === undefined) || status === "crashed") {
    report.dropped.push(record);
  }
  if (status === "memory") report.memoryBlowups.push(record);
  if (typeof status === "number") {
    if (fuzzCase.expect === "4xx" && status < 400) report.acceptedBad.push(record);
    if (status >= 400 && INTERNALS.test(body)) report.leaks.push(record);
    if (status >= 400 && status < 500 && fuzzCase.method !== "HEAD" && !isErrorShape(body)) {
      report.badErrorShape.push(record);
    }
  }
}

/**
 * Runs the cases against the target with the canary after each.
 *
 * @example
 * ```ts
 * const report = await runFuzz({ target, assets, seed: 1, cases: [{ fuzzCase }] });
 * if (failures(report).length > 0) Deno.exit(1);
 * ```
 */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { target } = options;
  const stallMs = options.stallMs ?? 10_000;
  const memory = rssTracker(() => target.rss());
  const report: FuzzReport = {
    target: target.name,
    seed: options.seed,
    sent: 0,
    records: [],
    histogram: new Map(),
    byGenerator: new Map(),
    serverErrors: [],
    poisonings: [],
    poisonedAfter: 0,
    stalls: [],
    dropped: [],
    memoryBlowups: [],
    acceptedBad: [],
    leaks: [],
    badErrorShape: [],
    slowest: [],
    rss: memory.track,
    canaryMs: [],
    seconds: 0,
  };
  const t0 = performance.now();
  const baseline = await takeBaseline(target, options.assets);
  memory.sample();
  let poisoned = false;
  for (const { fuzzCase, index } of options.cases) {
    if (options.seconds !== undefined && performance.now() - t0 > options.seconds * 1000) break;
    const response = await target.send(fuzzCase);
    const record: CaseRecord = {
      position: report.sent,
      index,
      generator: fuzzCase.generator,
      label: fuzzCase.label,
      status: response.status,
      ms: Math.round(response.ms),
      body: response.body.slice(0, 160),
      whilePoisoned: poisoned,
    };
    report.sent++;
    report.records.push(record);
    count(report.histogram, String(response.status));
    if (!report.byGenerator.has(fuzzCase.generator)) {
      report.byGenerator.set(fuzzCase.generator, new Map());
    }
    count(report.byGenerator.get(fuzzCase.generator)!, String(response.status));
    classify(report, fuzzCase, record, response.body, stallMs);
    const canaryStart = performance.now();
    const mismatches = await checkCanary(target, baseline);
    report.canaryMs.push(performance.now() - canaryStart);
    if (mismatches.length > 0) {
      report.poisonedAfter++;
      if (!poisoned) report.poisonings.push({ record, mismatches });
    }
    poisoned = mismatches.length > 0;
    report.slowest.push(record);
    report.slowest.sort((a, b) => b.ms - a.ms).splice(5);
    memory.sample();
    report.seconds = (performance.now() - t0) / 1000;
    options.onCase?.(record, report);
  }
  report.seconds = (performance.now() - t0) / 1000;
  return report;
}
