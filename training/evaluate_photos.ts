/**
 * `deno task evaluate:photos --dir DIR`: measures the exact `POST /api/predict` path (decode,
 * detect, align, crop, classify, in process) on a folder of labelled photos (`labels.csv`:
 * `file,label`), prints faces found, accuracy, macro recall, per-class recall and the confusion
 * matrix, and writes an HTML report with thumbnails of the misses plus a JSON of every photo's
 * prediction (for paired comparisons between models).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { basename, dirname, join } from "node:path";
import { useWasmBackend } from "../src/backend.ts";
import { loadClassifier, modelVersion } from "../src/classifier/load.ts";
import { createFaceDetector } from "../src/detector/mod.ts";
import { ProgressBar } from "../term/progress.ts";
import { runMain } from "../term/run_main.ts";
import { parseLabelsCsv } from "./photos/labels_csv.ts";
import { type PhotoMode, predictPhotos } from "./photos/run.ts";
import { formatPhotoMetrics, summarizePhotos } from "./photos/metrics.ts";
import { photoReportHtml, type ReportSection } from "./photos/report_html.ts";

const USAGE = `deno task evaluate:photos --dir DIR [flags]

Runs every photo listed in DIR/labels.csv (file,label; labels are lowercase class names) through
the /api/predict pipeline in process and reports how well it does. With several faces found in a
photo, the face with the highest detection score is the one judged; a photo without a face found
counts as wrong.

  --dir DIR           folder with labels.csv and the photos (required)
  --detect MODE       on | off | both (default on; off = ?detect=false, the whole photo)
  --align MODE        on | off | both: level the eyes in the crop (default on, the server's)
  --retry MODE        on | off: look again on padded/turned canvases when a pass finds no face
                      (default on, the server's; off = the detector before the retry)
  --model DIR         exported model folder (default models/default)
  --report FILE.html  HTML report (default data/evaluate-photos/<folder>.html)
  --json FILE         per-photo predictions (default: the report's path with .json)
  --limit N           only the first N photos of labels.csv
  --every K           only every K-th photo (a quick, spread-out sample)
  -h, --help          this text
`;

type Switch = "on" | "off" | "both";

function parseSwitch(flag: string, value: string, allowBoth = true): Switch {
  if (value === "on" || value === "off" || (allowBoth && value === "both")) return value;
  throw new UsageError(`--${flag} must be on, off${allowBoth ? " or both" : ""}, got "${value}"`);
}

class UsageError extends Error {}

const expand = (s: Switch) => (s === "both" ? [true, false] : [s === "on"]);

/** The modes to run: detection with each alignment, then the whole photo once. */
export function photoModes(detect: Switch, align: Switch): PhotoMode[] {
  const modes: PhotoMode[] = [];
  for (const d of expand(detect)) {
    if (d) { for (const a of expand(align)) modes.push({ detect: true, align: a }); }
    else modes.push({ detect: false, align: false });
  }
  return modes;
}

function modeTitle(mode: PhotoMode, retry: boolean): string {
  if (!mode.detect) return "detect off (whole photo)";
  return `detect on${retry ? "" : " (no retry)"}, align ${mode.align ? "on" : "off"}`;
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        dir: { type: "string" },
        detect: { type: "string", default: "on" },
        align: { type: "string", default: "on" },
        retry: { type: "string", default: "on" },
        model: { type: "string", default: "models/default" },
        report: { type: "string" },
        json: { type: "string" },
        limit: { type: "string" },
        every: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (!values.dir) throw new UsageError("--dir is required");
    if (values.limit !== undefined && !/^[1-9]\d*$/.test(values.limit)) {
      throw new UsageError(`--limit must be a positive integer, got "${values.limit}"`);
    }
    if (values.every !== undefined && !/^[1-9]\d*$/.test(values.every)) {
      throw new UsageError(`--every must be a positive integer, got "${values.every}"`);
    }
  } catch (error) {
    console.error(`evaluate:photos: ${(error as Error).message} (see --help)`);
    return 2;
  }
  let detect: Switch, align: Switch, retry: Switch;
  try {
    detect = parseSwitch("detect", values.detect);
    align = parseSwitch("align", values.align);
    retry = parseSwitch("retry", values.retry, false);
  } catch (error) {
    console.error(`evaluate:photos: ${(error as Error).message} (see --help)`);
    return 2;
  }
  const dir = values.dir;
  const labelsPath = join(dir, "labels.csv");
  const report = values.report ??
    join("data", "evaluate-photos", `${basename(dir.replace(/\/+$/, "")) || "photos"}.html`);
  const jsonPath = values.json ?? report.replace(/\.html?$/i, "") + ".json";

  await useWasmBackend();
  const classifier = await loadClassifier(values.model, { keepBackend: true, warmUpBatches: [1] });
  const labels = classifier.labels;
  const csv = await parseLabelsCsv(await Deno.readFile(labelsPath), labels);
  for (const row of csv.bad) console.error(`${labelsPath} line ${row.line}: ${row.reason}`);
  if (csv.bad.length) console.error(`${csv.bad.length} bad rows left out (listed above)`);
  const every = Number(values.every ?? 1);
  const sampled = csv.photos.filter((_, i) => i % every === 0);
  const photos = values.limit ? sampled.slice(0, Number(values.limit)) : sampled;
  if (photos.length === 0) throw new Error(`${labelsPath} lists no usable photos`);
  const detector = await createFaceDetector({ keepBackend: true, retry: retry === "on" });
  const version = await modelVersion(values.model);
  const modelName = `${classifier.metadata.name}@${version}`;
  console.log(`${modelName} on ${photos.length} photos of ${dir}`);
  console.log("(several faces in a photo: the highest detection score is judged)");

  const sections: ReportSection[] = [];
  const json = [];
  try {
    for (const mode of photoModes(detect, align)) {
      const title = modeTitle(mode, retry === "on");
      const bar = new ProgressBar({ total: photos.length, label: title, unit: "photos" });
      const started = performance.now();
      const records = await predictPhotos(dir, photos, { detector, classifier }, mode, {
        onProgress: (done) => bar.update(done),
      });
      bar.done();
      const seconds = (performance.now() - started) / 1000;
      const metrics = summarizePhotos(records, labels);
      console.log(`\n== ${title}: ${seconds.toFixed(1)} s`);
      console.log(formatPhotoMetrics(metrics));
      for (const r of records) if (r.error) console.error(`${r.file}: ${r.error}`);
      sections.push({ title, metrics, records });
      json.push({
        title,
        ...mode,
        retry: retry === "on",
        seconds,
        metrics,
        predictions: records.map(({ crop: _crop, ...rest }) => rest),
      });
    }
  } finally {
    detector.dispose();
    classifier.dispose();
  }
  const notes = [
    `${modelName}, ${photos.length} photos of ${dir}, ${new Date().toISOString()}.`,
    "Several faces in a photo: the face with the highest detection score is judged. A photo " +
    "without a face found counts as wrong for accuracy. Thumbnails are the 48×48 crop the " +
    "model saw (the whole photo squeezed to 48×48 where no face was found).",
    ...(csv.bad.length ? [`${csv.bad.length} bad rows of labels.csv left out.`] : []),
  ];
  await Deno.mkdir(dirname(report), { recursive: true });
  await Deno.writeTextFile(report, photoReportHtml(`evaluate:photos ${dir}`, notes, sections));
  await Deno.mkdir(dirname(jsonPath), { recursive: true });
  await Deno.writeTextFile(
    jsonPath,
    JSON.stringify({ dir, model: modelName, badRows: csv.bad, modes: json }, null, 1) + "\n",
  );
  console.log(`\nreport: ${report}\npredictions: ${jsonPath}`);
  return 0;
}

if (import.meta.main) await runMain("evaluate:photos", main);
