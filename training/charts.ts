/**
 * SVG drawings of a run: training curves (loss and accuracy per epoch, train vs validation) and a
 * confusion matrix heat map. Self-contained SVG strings, viewable in any browser.
 *
 * @module
 */
import type { EpochRecord } from "./loop/history.ts";
import type { ClassificationReport } from "./metrics.ts";

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Series {
  name: string;
  color: string;
  values: number[];
}

function panel(
  x0: number,
  title: string,
  epochs: number[],
  series: Series[],
  asPercent: boolean,
): string {
  const w = 360;
  const h = 240;
  const pad = { l: 48, r: 12, t: 28, b: 36 };
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const margin = (hi - lo) * 0.08;
  lo -= margin;
  hi += margin;
  const maxEpoch = Math.max(1, ...epochs);
  const px = (e: number) =>
    x0 + pad.l + ((e - (epochs.length > 1 ? 1 : 0)) /
        Math.max(1, maxEpoch - (epochs.length > 1 ? 1 : 0))) * (w - pad.l - pad.r);
  const py = (v: number) => pad.t + (1 - (v - lo) / (hi - lo)) * (h - pad.t - pad.b);
  const parts = [
    `<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">${
      escape(title)
    }</text>`,
    `<rect x="${x0 + pad.l}" y="${pad.t}" width="${w - pad.l - pad.r}" height="${
      h - pad.t - pad.b
    }" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    const label = asPercent ? `${(v * 100).toFixed(1)}%` : v.toFixed(3);
    parts.push(
      `<text x="${x0 + pad.l - 4}" y="${
        py(v) + 4
      }" text-anchor="end" font-size="10">${label}</text>`,
      `<line x1="${x0 + pad.l}" x2="${x0 + w - pad.r}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`,
    );
  }
  parts.push(
    `<text x="${x0 + w / 2}" y="${
      h - 6
    }" text-anchor="middle" font-size="11">epoch (1..${maxEpoch})</text>`,
  );
  series.forEach((s, k) => {
    const points = s.values
      .map((v, i) => (Number.isFinite(v) ? `${px(epochs[i]).toFixed(1)},${py(v).toFixed(1)}` : ""))
      .filter(Boolean)
      .join(" ");
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const p of points.split(" ").filter(Boolean)) {
      const [cx, cy] = p.split(",");
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${s.color}"/>`);
    }
    parts.push(
      `<text x="${x0 + pad.l + 8}" y="${pad.t + 14 + k * 14}" font-size="11" fill="${s.color}">${
        escape(s.name)
      }</text>`,
    );
  });
  return parts.join("\n");
}

/** Loss and accuracy per epoch, training vs validation, side by side. */
export function curvesSvg(history: EpochRecord[], validationName = "PublicTest"): string {
  const epochs = history.map((h) => h.epoch);
  const loss = panel(0, "Loss", epochs, [
    { name: "train", color: "#1f77b4", values: history.map((h) => h.trainLoss) },
    { name: validationName, color: "#d62728", values: history.map((h) => h.valLoss) },
  ], false);
  const acc = panel(360, "Accuracy", epochs, [
    { name: "train", color: "#1f77b4", values: history.map((h) => h.trainAccuracy) },
    { name: validationName, color: "#d62728", values: history.map((h) => h.valAccuracy) },
  ], true);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="240" font-family="sans-serif" font-size="12">
<rect width="720" height="240" fill="white"/>
${loss}
${acc}
</svg>
`;
}

/** The confusion matrix as a heat map; rows are actual classes, normalised per row. */
export function confusionSvg(report: ClassificationReport, title = "Confusion matrix"): string {
  const k = report.confusion.length;
  const cell = 56;
  const left = 90;
  const top = 80;
  const size = left + k * cell + 20;
  const parts = [
    `<text x="${size / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<text x="${size / 2}" y="38" text-anchor="middle" font-size="11">accuracy ${
      (report.accuracy * 100).toFixed(2)
    }%, macro F1 ${
      (report.macroF1 * 100).toFixed(2)
    }%, n=${report.count}; rows: actual, columns: predicted</text>`,
  ];
  report.confusion.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    const label = report.classes[r].label;
    parts.push(
      `<text x="${left - 6}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end">${
        escape(label)
      }</text>`,
      // Column headers share a cell's width: longer names ("surprise", "happiness") get a smaller
      // font instead of being cut.
      `<text x="${left + r * cell + cell / 2}" y="${top - 8}" text-anchor="middle"${
        label.length > 7 ? ' font-size="10"' : ""
      }>${escape(label)}</text>`,
    );
    row.forEach((v, c) => {
      const share = v / total;
      const shade = Math.round(255 - share * 200);
      const fill = r === c
        ? `rgb(${shade},${255 - Math.round(share * 60)},${shade})`
        : `rgb(255,${shade},${shade})`;
      parts.push(
        `<rect x="${left + c * cell}" y="${
          top + r * cell
        }" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"/>`,
        `<text x="${left + c * cell + cell / 2}" y="${
          top + r * cell + cell / 2 - 2
        }" text-anchor="middle">${v}</text>`,
        `<text x="${left + c * cell + cell / 2}" y="${
          top + r * cell + cell / 2 + 12
        }" text-anchor="middle" font-size="9" fill="#555">${(share * 100).toFixed(0)}%</text>`,
      );
    });
  });
  const height = top + k * cell + 20;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="${size}" height="${height}" fill="white"/>
${parts.join("\n")}
</svg>
`;
}
