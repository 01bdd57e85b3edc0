/**
 * The reliability diagram as a self-contained SVG: per confidence bin, the accuracy (blue bar)
 * against the mean confidence (the diagonal is perfect calibration; the red band is the gap the
 * ECE averages), with the share of images per bin underneath. With `before`, the uncalibrated
 * scores' bins are drawn as a grey line, so the temperature's effect shows in one picture.
 *
 * @module
 */
import type { Reliability } from "./stats/calibration.ts";

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const pct = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;

/**
 * Draws `shown` (the calibrated scores, or the raw ones when there is no temperature); `before`
 * adds the raw scores' table and the temperature between them.
 */
export function reliabilitySvg(
  shown: Reliability,
  title: string,
  before?: { table: Reliability; temperature: number },
): string {
  const width = 520;
  const plot = { left: 64, top: 84, size: 360 };
  const strip = { top: plot.top + plot.size + 34, height: 60 };
  const height = strip.top + strip.height + 40;
  const px = (v: number) => plot.left + v * plot.size;
  const py = (v: number) => plot.top + (1 - v) * plot.size;
  const parts: string[] = [
    `<text x="${width / 2}" y="22" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    `<text x="${width / 2}" y="42" text-anchor="middle" font-size="11">ECE ${
      pct(shown.ece, 2)
    } (${shown.bins.length} bins), accuracy ${pct(shown.accuracy)}, mean confidence ${
      pct(shown.confidence)
    }, n=${shown.count}</text>`,
    `<text x="${width / 2}" y="58" text-anchor="middle" font-size="11">${
      before
        ? `temperature T = ${before.temperature.toFixed(3)}; before it: ECE ${
          pct(before.table.ece, 2)
        }, mean confidence ${pct(before.table.confidence)}`
        : "no temperature (T = 1)"
    }</text>`,
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.size}" height="${plot.size}" fill="none" stroke="#999"/>`,
  ];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(
      `<line x1="${plot.left}" x2="${plot.left + plot.size}" y1="${py(v)}" y2="${
        py(v)
      }" stroke="#eee"/>`,
      `<text x="${plot.left - 6}" y="${py(v) + 4}" text-anchor="end" font-size="10">${
        pct(v, 0)
      }</text>`,
      `<text x="${px(v)}" y="${plot.top + plot.size + 14}" text-anchor="middle" font-size="10">${
        pct(v, 0)
      }</text>`,
    );
  }
  for (const bin of shown.bins) {
    if (bin.count === 0) continue;
    const x = px(bin.lower) + 1;
    const w = px(bin.upper) - px(bin.lower) - 2;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${py(bin.accuracy).toFixed(1)}" width="${
        w.toFixed(1)
      }" height="${(py(0) - py(bin.accuracy)).toFixed(1)}" fill="#1f77b4" fill-opacity="0.85"/>`,
    );
    const [lo, hi] = [
      Math.min(bin.accuracy, bin.confidence),
      Math.max(bin.accuracy, bin.confidence),
    ];
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${py(hi).toFixed(1)}" width="${w.toFixed(1)}" height="${
        (py(lo) - py(hi)).toFixed(1)
      }" fill="#d62728" fill-opacity="0.35" stroke="#d62728" stroke-width="0.5"/>`,
    );
  }
  parts.push(
    `<line x1="${px(0)}" y1="${py(0)}" x2="${px(1)}" y2="${
      py(1)
    }" stroke="#333" stroke-dasharray="5,4"/>`,
  );
  if (before) {
    const points = before.table.bins.filter((b) => b.count > 0)
      .map((b) => `${px(b.confidence).toFixed(1)},${py(b.accuracy).toFixed(1)}`);
    parts.push(
      `<polyline points="${points.join(" ")}" fill="none" stroke="#666" stroke-width="1.5"/>`,
      ...points.map((p) => {
        const [cx, cy] = p.split(",");
        return `<circle cx="${cx}" cy="${cy}" r="2.5" fill="#666"/>`;
      }),
    );
  }
  // Legend.
  const lx = plot.left + 10;
  const legend = [
    ["#1f77b4", "accuracy of the bin"],
    ["#d62728", "gap to its mean confidence"],
    ...(before ? [["#666", "before the temperature (T = 1)"]] : []),
  ];
  legend.forEach(([color, text], i) => {
    const y = plot.top + 14 + i * 16;
    parts.push(
      `<rect x="${lx}" y="${y - 9}" width="10" height="10" fill="${color}" fill-opacity="0.8"/>`,
      `<text x="${lx + 16}" y="${y}" font-size="11">${escape(text)}</text>`,
    );
  });
  parts.push(
    `<text x="${plot.left + plot.size / 2}" y="${
      plot.top + plot.size + 28
    }" text-anchor="middle" font-size="11">confidence (top probability)</text>`,
    `<text x="16" y="${
      plot.top + plot.size / 2
    }" text-anchor="middle" font-size="11" transform="rotate(-90 16 ${
      plot.top + plot.size / 2
    })">accuracy</text>`,
  );
  // Share of images per bin.
  const most = Math.max(1, ...shown.bins.map((b) => b.count));
  parts.push(
    `<text x="${plot.left - 6}" y="${
      strip.top + 10
    }" text-anchor="end" font-size="10">images</text>`,
  );
  for (const bin of shown.bins) {
    const h = (bin.count / most) * strip.height;
    const x = px(bin.lower) + 1;
    const w = px(bin.upper) - px(bin.lower) - 2;
    parts.push(
      `<rect x="${x.toFixed(1)}" y="${(strip.top + strip.height - h).toFixed(1)}" width="${
        w.toFixed(1)
      }" height="${h.toFixed(1)}" fill="#999"><title>${bin.count} images, ${pct(bin.lower, 0)}-${
        pct(bin.upper, 0)
      }</title></rect>`,
    );
  }
  parts.push(
    `<line x1="${plot.left}" x2="${plot.left + plot.size}" y1="${strip.top + strip.height}" y2="${
      strip.top + strip.height
    }" stroke="#999"/>`,
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">
<rect width="${width}" height="${height}" fill="white"/>
${parts.join("\n")}
</svg>
`;
}
