/**
 * `deno task prepare`: converts FER2013 (`fer2013.csv` / `.csv.gz`) into the prepared-data cache
 * that training reads (images, integer labels, HOG and sliding-window HOG features), with
 * `prepare/dataset.ts`. Run with `--help` for the options.
 *
 * @module
 */
import { featureNames } from "../data/mod.ts";
import { FER_EMOTIONS } from "../../src/face.ts";
import { BadRowLog } from "../bad_rows.ts";
import { prepareDataset } from "../prepare/dataset.ts";
import { formatSummary } from "../prepare/summary.ts";
import { defineFlags, parseFlags, UsageError } from "../../term/flags.ts";
import { runMain } from "../../term/run_main.ts";

const FLAGS = defineFlags({
  help: `deno task prepare [options]

Converts FER2013 into data/prepared (per-split binary files + manifest.json).

  --csv PATH               FER2013 CSV, plain or gzip (default: fer2013.csv)
  --out DIR                cache directory (default: data/prepared)
  --expressions 0,3,4,5,6  emotion ids to keep, in new label order (default: all 7;
                           ${FER_EMOTIONS.map((e, i) => `${i} ${e}`).join(", ")})
  --hog / --no-hog         whole-image HOG, 72 values (default: on)
  --hog-windows / --no-hog-windows
                           sliding-window HOG, 2592 values (default: on)
  --landmarks / --no-landmarks
                           MediaPipe face-mesh landmarks, 257 values (default: off)
  --jpg                    also write every image as PNG: DIR/images/<Split>/<emotion>/<n>.png
  --limit N                at most N images per split (quick experiments)
  --strict                 stop at the first bad row, exit 1 (default: skip it, report the
                           count and the first 10 with their lines)
  --force                  convert even if the cache is up to date
  -h, --help               show this help`,
  options: {
    csv: { type: "string", default: "fer2013.csv" },
    out: { type: "string", default: "data/prepared" },
    expressions: { type: "string", default: FER_EMOTIONS.map((_, i) => i).join(",") },
    hog: { type: "boolean" },
    "no-hog": { type: "boolean" },
    "hog-windows": { type: "boolean" },
    "no-hog-windows": { type: "boolean" },
    landmarks: { type: "boolean" },
    "no-landmarks": { type: "boolean" },
    jpg: { type: "boolean", default: false },
    limit: { type: "string" },
    strict: { type: "boolean", default: false },
    force: { type: "boolean", default: false },
  },
});

function parseExpressions(text: string): number[] {
  const ids = text.split(",").map((part) => part.trim());
  if (ids.some((id) => !/^\d+$/.test(id))) {
    throw new UsageError(
      `--expressions takes comma-separated emotion ids 0..6, got ${JSON.stringify(text)}`,
    );
  }
  return ids.map(Number);
}

function parseLimit(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`--limit takes a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

async function main(args: string[]): Promise<number> {
  const flags = parseFlags(args, FLAGS).values;
  const expressions = parseExpressions(flags.expressions);
  const limit = parseLimit(flags.limit);
  const on = (yes: boolean | undefined, no: boolean | undefined, fallback: boolean) =>
    no ? false : yes ?? fallback;
  const features = [
    ...(on(flags.hog, flags["no-hog"], true) ? ["hog"] : []),
    ...(on(flags["hog-windows"], flags["no-hog-windows"], true) ? ["hogWindows"] : []),
    ...(on(flags.landmarks, flags["no-landmarks"], false) ? ["landmarks"] : []),
  ];
  const unknown = features.filter((f) => !featureNames().includes(f));
  if (unknown.length > 0) throw new Error(`unknown features ${unknown.join(", ")}`);

  const badRows = new BadRowLog();
  try {
    const result = await prepareDataset({
      csv: flags.csv,
      out: flags.out,
      expressions,
      features,
      images: flags.jpg,
      limit,
      strict: flags.strict,
      force: flags.force,
      progress: true,
      onBadRow: badRows.add,
    });
    for (const line of badRows.report()) console.error(line);
    console.log(formatSummary(result.manifest, { ...result, out: flags.out }));
  } catch (error) {
    // The rows skipped before the failure are part of the story.
    for (const line of badRows.report()) console.error(line);
    throw error;
  }
  return 0;
}

if (import.meta.main) await runMain("prepare", main);
