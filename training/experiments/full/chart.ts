/**
 * The study's grouped bar chart (SVG): one panel per class count, one group per input row, one
 * bar per classifier (SVM, Model A, Model B, default network), the default network's second seed
 * as a marker on its bar. A cell without a result yet gets its state under the axis instead of a
 * bar, so the chart never shows a number that does not exist.
 *
 * @module
 */
import { accuracyOf, type CellView, COLUMNS, ROWS, slotCells } from "./view.ts";

const COLORS: Record<string, string> = {
  svm: "#7f7f7f",
  a: "#1f77b4",
  b: "#d62728",
  default: "#2ca02c",
};

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Short state of a slot without a bar: `—` (not started) or the epochs done, `7/25`. */
function pendingMark(view: CellView): string {
  const { state, cell } = view;
  return state.phase === "pending" ? "—" : `${state.epochsDone}/${cell.epochs}`;
}

/** The chart of `views` (every cell of the study, any state). */
export function studyChartSvg(views: readonly CellView[]): string {
  const barW = 16, groupGap = 20, left = 48, top = 48, plotH = 240, panelGap = 44;
  const groupW = COLUMNS.length * barW + groupGap;
  const panelW = ROWS.length * groupW;
  const width = left + 2 * panelW + panelGap + 16;
  const height = top + plotH + 118;
  // Tenths of a pixel: enough for the eye, and no 31.200000000000003 in the file.
  const tenths = (v: number) => Math.round(v * 10) / 10;
  const y = (accuracy: number) => tenths(top + plotH - accuracy * plotH);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">PublicTest accuracy by inputs ` +
    `(epoch chosen on Selection; full-study.md has the budget)</text>`,
  ];
  ([5, 7] as const).forEach((classes, p) => {
    const x0 = left + p * (panelW + panelGap);
    parts.push(`<text x="${x0}" y="${top - 10}" font-weight="bold">${classes} classes</text>`);
    for (let t = 0; t <= 100; t += 20) {
      parts.push(
        `<line x1="${x0}" x2="${x0 + panelW - groupGap}" y1="${y(t / 100)}" y2="${
          y(t / 100)
        }" stroke="#ddd"/>`,
      );
      if (p === 0) {
        parts.push(`<text x="${x0 - 6}" y="${y(t / 100) + 4}" text-anchor="end">${t}%</text>`);
      }
    }
    ROWS.forEach((row, g) => {
      const gx = x0 + g * groupW;
      COLUMNS.forEach((column, k) => {
        const slot = slotCells(views, column.model, row.id, classes);
        if (!slot.length) return;
        const bx = gx + k * barW;
        const [first, ...others] = slot;
        const accuracy = accuracyOf(first);
        if (accuracy === undefined) {
          parts.push(
            `<text x="${bx + barW / 2 - 1}" y="${top + plotH - 4}" text-anchor="middle" ` +
              `font-size="7" fill="${COLORS[column.model]}">${
                escapeXml(pendingMark(first))
              }</text>`,
          );
        } else {
          const label = `${column.title}, ${row.title}, ${classes} classes: ` +
            `${(accuracy * 100).toFixed(1)}%`;
          parts.push(
            `<rect x="${bx}" y="${y(accuracy)}" width="${barW - 2}" height="${
              tenths(accuracy * plotH)
            }" fill="${COLORS[column.model]}"><title>${escapeXml(label)}</title></rect>`,
            `<text x="${bx + barW / 2 - 1}" y="${tenths(y(accuracy) - 3)}" text-anchor="middle" ` +
              `font-size="8">${(accuracy * 100).toFixed(0)}</text>`,
          );
        }
        for (const other of others) {
          const a = accuracyOf(other);
          if (a === undefined) continue;
          const cx = bx + barW / 2 - 1, cy = y(a);
          parts.push(
            `<path d="M${cx - 4} ${cy}L${cx} ${cy - 4}L${cx + 4} ${cy}L${cx} ${cy + 4}Z" ` +
              `fill="black"><title>${
                escapeXml(`${other.cell.id}: ${(a * 100).toFixed(1)}%`)
              }</title></path>`,
          );
        }
      });
      parts.push(
        `<text x="${gx + (groupW - groupGap) / 2}" y="${top + plotH + 16}" ` +
          `text-anchor="middle">${escapeXml(row.id)}</text>`,
      );
    });
  });
  const legendY = top + plotH + 44;
  COLUMNS.forEach((column, k) => {
    const x = left + k * 130;
    parts.push(
      `<rect x="${x}" y="${legendY - 10}" width="12" height="12" fill="${COLORS[column.model]}"/>`,
      `<text x="${x + 18}" y="${legendY}">${escapeXml(column.title)}</text>`,
    );
  });
  parts.push(
    `<path d="M${left + 2} ${legendY + 20}L${left + 6} ${legendY + 16}L${left + 10} ${
      legendY + 20
    }L${left + 6} ${legendY + 24}Z" fill="black"/>`,
    `<text x="${left + 18}" y="${legendY + 24}">second seed of the default network</text>`,
    `<text x="${left}" y="${legendY + 46}">rows: raw pixels, + landmarks (lm), + lm + HOG, ` +
      `+ lm + sliding-window HOG (hogw); no bar: not finished (epochs done, or — not started)` +
      `</text>`,
    "</svg>",
  );
  return parts.join("\n") + "\n";
}
