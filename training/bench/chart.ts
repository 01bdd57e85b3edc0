/**
 * SVG bar chart of the training benchmark: images/s per model on wasm and cpu (log scale, since
 * the two differ by one to two orders of magnitude).
 *
 * @module
 */

/** One model's result row for the chart. */
export interface ChartRow {
  model: string;
  wasm: number;
  /** Data-parallel (two cores) wasm images/s. */
  parallel?: number;
  cpu?: number;
}

const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Grouped horizontal bars, wasm (blue), wasm data-parallel on two cores (light blue) and cpu (orange), with values printed. */
export function throughputSvg(rows: ChartRow[], title: string): string {
  const left = 150;
  const width = 640;
  const barH = 16;
  const groupH = 3 * barH + 18;
  const top = 40;
  const height = top + rows.length * groupH + 30;
  const values = rows.flatMap((r) => [r.wasm, r.parallel ?? r.wasm, r.cpu ?? r.wasm])
    .filter((v) => v > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...values, 1))));
  const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...values, 10))));
  const scale = (v: number) =>
    ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) *
    (width - left - 80);
  const parts = [
    `<text x="${width / 2}" y="20" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
  ];
  for (let d = lo; d <= hi; d *= 10) {
    const x = left + scale(d);
    parts.push(
      `<line x1="${x}" x2="${x}" y1="${top - 6}" y2="${height - 24}" stroke="#ddd"/>`,
      `<text x="${x}" y="${height - 10}" text-anchor="middle" font-size="10">${d} img/s</text>`,
    );
  }
  rows.forEach((r, i) => {
    const y = top + i * groupH;
    parts.push(
      `<text x="${left - 8}" y="${y + barH + 4}" text-anchor="end">${escape(r.model)}</text>`,
    );
    const bars: Array<[string, number | undefined, string]> = [
      ["wasm", r.wasm, "#3b6fb6"],
      ["wasm 2-core", r.parallel, "#6fa8dc"],
      ["cpu", r.cpu, "#e08a2c"],
    ];
    bars.forEach(([name, v, color], j) => {
      const by = y + j * barH;
      if (v === undefined) return;
      const w = Math.max(1, scale(v));
      parts.push(
        `<rect x="${left}" y="${by}" width="${w}" height="${barH - 2}" fill="${color}"/>`,
        `<text x="${left + w + 4}" y="${by + barH - 4}" font-size="11">${name} ${
          v.toFixed(v >= 10 ? 0 : 2)
        }</text>`,
      );
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="sans-serif" font-size="12">${parts.join("")}</svg>\n`;
}
