/**
 * The HTML report of `evaluate:photos`: per mode, the headline figures, per-class recall and the
 * confusion matrix, then thumbnails (the 48×48 crop the model saw, drawn pixelated) of the photos
 * without a face found and of the misclassified faces, most confident mistakes first.
 *
 * @module
 */
import { encodeGrayPng } from "../data/png.ts";
import { encodeBase64 } from "../experiments/base64.ts";
import type { PhotoMetrics } from "./metrics.ts";
import type { PhotoPrediction } from "./predict_photos.ts";

/** One evaluated mode for the report. */
export interface ReportSection {
  /** E.g. `detect on, align on`. */
  title: string;
  metrics: PhotoMetrics;
  records: readonly PhotoPrediction[];
}

/** Thumbnails shown per list; the rest are counted. */
export const MAX_THUMBNAILS = 300;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;

function thumbnail(r: PhotoPrediction): string {
  const src = r.crop && r.crop.length === 48 * 48
    ? `data:image/png;base64,${encodeBase64(encodeGrayPng(r.crop, 48, 48))}`
    : "";
  const img = src ? `<img src="${src}" width="96" height="96" alt="">` : `<div class="none"></div>`;
  const top = r.scores
    ? Object.entries(r.scores).sort((a, b) => b[1] - a[1]).slice(0, 3)
      .map(([k, v]) => `${escape(k)} ${v.toFixed(2)}`).join(" · ")
    : escape(r.error ?? "no face found (whole photo shown)");
  const verdict = r.predicted === null
    ? `${escape(r.label)} → <b>no face</b>`
    : `${escape(r.label)} → <b>${escape(r.predicted)}</b>`;
  const det = r.detectionScore === null ? "" : ` · det ${r.detectionScore.toFixed(2)}`;
  return `<figure>${img}<figcaption><span class="file">${escape(r.file)}</span>` +
    `<span>${verdict}</span><span class="s">${top}${det}</span></figcaption></figure>`;
}

function gallery(title: string, records: readonly PhotoPrediction[]): string {
  const shown = records.slice(0, MAX_THUMBNAILS).map(thumbnail).join("");
  const more = records.length > MAX_THUMBNAILS
    ? `<p>… and ${records.length - MAX_THUMBNAILS} more (all are in the JSON).</p>`
    : "";
  return `<h3>${escape(title)} (${records.length})</h3><div class="grid">${shown}</div>${more}`;
}

function confusionTable(m: PhotoMetrics): string {
  const head = `<tr><th>true \\ predicted</th>${
    m.columns.map((c) => `<th>${escape(c)}</th>`).join("")
  }<th>recall</th></tr>`;
  const rows = m.confusion.map((row, c) => {
    const cls = m.classes[c];
    if (cls.support === 0) return "";
    const cells = row.map((v, j) => `<td class="${j === c ? "diag" : v ? "off" : ""}">${v}</td>`);
    return `<tr><th>${escape(cls.label)}</th>${cells.join("")}<td>${pct(cls.recall)}</td></tr>`;
  });
  return `<table>${head}${rows.join("")}</table>`;
}

function section(s: ReportSection): string {
  const m = s.metrics;
  const missed = s.records.filter((r) => r.predicted === null);
  const wrong = s.records
    .filter((r) => r.predicted !== null && r.predicted !== r.label)
    .sort((a, b) => (b.scores?.[b.predicted!] ?? 0) - (a.scores?.[a.predicted!] ?? 0));
  return `<section><h2>${escape(s.title)}</h2>
<p class="head">faces found <b>${m.found}/${m.photos} (${pct(m.foundRate)})</b> ·
accuracy <b>${pct(m.accuracy)}</b> (no face = wrong; ${pct(m.accuracyFound)} over faces found) ·
macro recall <b>${pct(m.macroRecall)}</b> over the classes present${
    m.errors ? ` · ${m.errors} unreadable` : ""
  }</p>
${confusionTable(m)}
${gallery("No face found", missed)}
${gallery("Misclassified, most confident first", wrong)}
</section>`;
}

/** The whole report as one self-contained HTML page. */
export function photoReportHtml(
  heading: string,
  notes: readonly string[],
  sections: readonly ReportSection[],
): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(heading)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1c2024; }
h2 { margin-top: 32px; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: right; }
td.diag { background: #d7f5dd; font-weight: bold; } td.off { background: #fdecec; }
.grid { display: flex; flex-wrap: wrap; gap: 8px; }
figure { margin: 0; width: 150px; font-size: 11px; }
figure img { image-rendering: pixelated; display: block; width: 96px; height: 96px; }
figure .none { width: 96px; height: 96px; background: repeating-linear-gradient(45deg,#eee,#eee 6px,#fff 6px,#fff 12px); }
figcaption span { display: block; overflow-wrap: anywhere; }
.file { color: #60646c; } .s { color: #60646c; }
</style></head><body>
<h1>${escape(heading)}</h1>
${notes.map((n) => `<p>${escape(n)}</p>`).join("\n")}
${sections.map(section).join("\n")}
</body></html>
`;
}
