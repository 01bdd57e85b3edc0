/**
 * The work behind `deno task evaluate:photos --dir DIR`: runs every photo of a labelled folder
 * through the exact `POST /api/predict` path in process (`predict_photos.ts`), once per mode,
 * prints faces found, accuracy, macro recall, per-class recall and the confusion matrix, and
 * writes an HTML report with thumbnails of the misses plus a JSON of every photo's prediction.
 *
 * @module
 */
import { basename, dirname, join } from "node:path";
import { useWasmBackend } from "../../src/backend.ts";
import { loadClassifier, modelVersion } from "../../src/classifier/load.ts";
import { createFaceDetector } from "../../src/detector/mod.ts";
import { ProgressBar } from "../../term/progress.ts";
import { parseLabelsCsv } from "./labels_csv.ts";
import { type PhotoMode, predictPhotos } from "./predict_photos.ts";
import { formatPhotoMetrics, summarizePhotos } from "./metrics.ts";
import { photoReportHtml, type ReportSection } from "./report_html.ts";

/** A flag that turns a step on, off, or runs it both ways. */
export type Switch = "on" | "off" | "both";

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

/** Inputs of {@link evaluatePhotoFolder}. */
export interface EvaluatePhotosOptions {
  /** Folder with `labels.csv` and the photos. */
  dir: string;
  /** Detection on, off (the whole photo) or both. */
  detect: Switch;
  /** Eye-levelling alignment of the crop. */
  align: Switch;
  /** The detector's retry canvases (on or off). */
  retry: Switch;
  /** Model folder or model set. */
  model: string;
  /** HTML report path (default `data/evaluate-photos/<folder>.html`). */
  report?: string;
  /** Per-photo predictions (default: the report's path with `.json`). */
  json?: string;
  /** Only the first N photos. */
  limit?: number;
  /** Only every K-th photo. */
  every?: number;
}

/** Evaluates the folder (see the module doc); returns where the report and JSON went. */
export async function evaluatePhotoFolder(
  o: EvaluatePhotosOptions,
): Promise<{ report: string; json: string }> {
  const { dir, detect, align, retry } = o;
  const labelsPath = join(dir, "labels.csv");
  const report = o.report ??
    join("data", "evaluate-photos", `${basename(dir.replace(/\/+$/, "")) || "photos"}.html`);
  const jsonPath = o.json ?? report.replace(/\.html?$/i, "") + ".json";

  await useWasmBackend();
  const classifier = await loadClassifier(o.model, { keepBackend: true, warmUpBatches: [1] });
  const labels = classifier.labels;
  const csv = await parseLabelsCsv(await Deno.readFile(labelsPath), labels);
  for (const row of csv.bad) console.error(`${labelsPath} line ${row.line}: ${row.reason}`);
  if (csv.bad.length) console.error(`${csv.bad.length} bad rows left out (listed above)`);
  const every = o.every ?? 1;
  const sampled = csv.photos.filter((_, i) => i % every === 0);
  const photos = o.limit ? sampled.slice(0, o.limit) : sampled;
  if (photos.length === 0) throw new Error(`${labelsPath} lists no usable photos`);
  const detector = await createFaceDetector({ keepBackend: true, retry: retry === "on" });
  const version = await modelVersion(o.model);
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
  return { report, json: jsonPath };
}
