/**
 * The search drawn: PublicTest accuracy of every trial (dots: grey random start-up, blue TPE, red
 * failed at 0) and the best-so-far line, as an SVG.
 *
 * @module
 */
import type { TrialRecord } from "./search.ts";

/** SVG chart of `records` (in trial order). */
export function searchSvg(records: readonly TrialRecord[], title: string): string {
  const w = 640, h = 320, left = 50, right = 20, top = 36, bottom = 40;
  const plotW = w - left - right, plotH = h - top - bottom;
  const n = Math.max(1, records.length);
  const ok = records.filter((r) => r.status === "ok").map((r) => r.accuracy!);
  const hi = Math.min(1, Math.ceil(((ok.length ? Math.max(...ok) : 1) + 0.02) * 10) / 10);
  const x = (i: number) => left + (n === 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => top + plotH - (v / hi) * plotH;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="13">${
      title.replace(/&/g, "&amp;").replace(/</g, "&lt;")
    }</text>`,
  ];
  for (let t = 0; t <= 5; t++) {
    const v = (hi * t) / 5;
    parts.push(`<line x1="${left}" x2="${w - right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`,
    );
  }
  parts.push(
    `<text x="${left + plotW / 2}" y="${h - 8}" text-anchor="middle">trial</text>`,
  );
  const every = Math.max(1, Math.ceil(records.length / 20));
  records.forEach((r, i) => {
    if (i % every === 0) {
      parts.push(
        `<text x="${x(i)}" y="${top + plotH + 14}" text-anchor="middle">${r.trial}</text>`,
      );
    }
  });
  let best = -1;
  const path: string[] = [];
  records.forEach((r, i) => {
    const v = r.status === "ok" ? r.accuracy! : 0;
    const color = r.status !== "ok" ? "#d62728" : r.algo === "random" ? "#888" : "#1f77b4";
    parts.push(
      `<circle cx="${x(i)}" cy="${y(v)}" r="3.5" fill="${color}"><title>trial ${r.trial}: ${
        r.status === "ok" ? `${(v * 100).toFixed(2)}%` : "failed"
      }</title></circle>`,
    );
    if (r.status === "ok" && v > best) best = v;
    if (best >= 0) path.push(`${path.length ? "L" : "M"}${x(i).toFixed(1)},${y(best).toFixed(1)}`);
  });
  if (path.length) {
    parts.push(`<path d="${path.join(" ")}" fill="none" stroke="#2ca02c" stroke-width="2"/>`);
  }
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
