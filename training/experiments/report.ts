/**
 * Presenting grid results: the seed's table (feature rows x {5, 7} expressions, one table per
 * classifier), a Markdown report with the budget and compute used, and an SVG bar chart.
 *
 * @module
 */
import type { CellResult } from "./cells.ts";
import { FEATURE_SETS } from "./grid.ts";
import { BUDGET_FIELDS } from "./driver.ts";

/** Classifier variants in table order: key and title. */
export const VARIANTS = [
  { key: "svm", title: "SVM (linear, one-vs-rest)" },
  { key: "a-bn", title: "Model A, batch norm" },
  { key: "a-nobn", title: "Model A, no batch norm" },
  { key: "b-bn", title: "Model B, batch norm" },
  { key: "b-nobn", title: "Model B, no batch norm" },
] as const;

/** Variant key of a result (`svm`, `a-bn`, ...). */
export function variantOf(r: Pick<CellResult, "model" | "batchNorm">): string {
  return r.model === "svm" ? "svm" : `${r.model}-${r.batchNorm ? "bn" : "nobn"}`;
}

function find(results: readonly CellResult[], variant: string, set: string, classes: number) {
  return results.find((r) =>
    variantOf(r) === variant && r.featureSet === set && r.classes === classes
  );
}

function pct(r: CellResult | undefined): string {
  return r ? `${(r.accuracy * 100).toFixed(1)} %` : "not run";
}

/** Variants that have at least one result, in table order. */
function presentVariants(results: readonly CellResult[]) {
  return VARIANTS.filter((v) => results.some((r) => variantOf(r) === v.key));
}

/** Plain-text tables in the seed's layout: one per classifier variant. */
export function seedTables(results: readonly CellResult[]): string {
  const lines: string[] = [];
  const width = Math.max(...FEATURE_SETS.map((f) => f.title.length)) + 2;
  for (const variant of presentVariants(results)) {
    lines.push(variant.title);
    lines.push(
      `${"Features".padEnd(width)}${"5 emotions".padStart(12)}${"7 emotions".padStart(12)}`,
    );
    for (const set of FEATURE_SETS) {
      lines.push(
        set.title.padEnd(width) + pct(find(results, variant.key, set.id, 5)).padStart(12) +
          pct(find(results, variant.key, set.id, 7)).padStart(12),
      );
    }
    lines.push("");
  }
  return lines.join("\n");
}

/** One Markdown table: feature rows, a 5- and a 7-expression column per variant. */
export function markdownTable(results: readonly CellResult[]): string {
  const variants = presentVariants(results);
  const header = ["Features", ...variants.flatMap((v) => [`${v.title} (5)`, `${v.title} (7)`])];
  const rows = FEATURE_SETS.map((set) => [
    set.title,
    ...variants.flatMap((v) => [5, 7].map((c) => pct(find(results, v.key, set.id, c)))),
  ]);
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** Facts about the run printed in the report. */
export interface ReportContext {
  /** The command that produced the results. */
  command: string;
  /** Prepared-data folder. */
  data: string;
  /** Cells selected but without a result (e.g. not run yet). */
  missing: string[];
  /** Extra lines for the header (e.g. landmark failure rates). */
  notes?: string[];
}

/** The Markdown report: table, budget, per-cell compute, totals. */
export function markdownReport(results: readonly CellResult[], context: ReportContext): string {
  const total = results.reduce((s, r) => s + r.seconds, 0);
  const budgetOf = (r: CellResult) => {
    const fields = BUDGET_FIELDS[r.model === "svm" ? "svm" : "cnn"];
    const kind = r.model === "svm" ? "SVM" : "CNN";
    return `${kind} ${fields.map((f) => `${f} ${r.budget[f]}`).join(", ")}`;
  };
  const budgets = [...new Set(results.map(budgetOf))];
  const out = [
    "# fer-edge experiments",
    "",
    `Command: \`${context.command}\``,
    `Data: \`${context.data}\`; trained on Training, accuracy on PublicTest.`,
    `Machine: ${navigator.hardwareConcurrency} CPU threads, Deno ${Deno.version.deno}, ` +
    `tfjs backend of the CNN cells: ${
      [...new Set(results.flatMap((r) => r.backend ? [r.backend] : []))].join(", ") || "none"
    }.`,
    `Budget: ${budgets.join("; ")}`,
    `Compute: ${results.length} cells, ${(total / 60).toFixed(1)} min of cell time.`,
    ...(context.notes ?? []),
    "",
    markdownTable(results),
    "",
    "| cell | accuracy | train images | PublicTest images | epochs / passes | best epoch | seconds |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...results.map((r) =>
      `| ${r.id} | ${(r.accuracy * 100).toFixed(2)} % | ${r.trainCount} | ${r.valCount} | ` +
      `${r.epochs} | ${r.bestEpoch ?? "-"} | ${r.seconds.toFixed(1)} |`
    ),
  ];
  if (context.missing.length) {
    out.push("", `Not run: ${context.missing.join(", ")}.`);
  }
  return out.join("\n") + "\n";
}

const COLORS: Record<string, string> = {
  "svm": "#7f7f7f",
  "a-bn": "#1f77b4",
  "a-nobn": "#aec7e8",
  "b-bn": "#d62728",
  "b-nobn": "#ff9896",
};

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Grouped bar chart: one panel per expression count, bars per variant within each feature row. */
export function reportSvg(results: readonly CellResult[]): string {
  const variants = presentVariants(results);
  const barW = 14, gap = 18, left = 50, top = 40, plotH = 220, panelGap = 40;
  // At least 56 px per feature group so the axis labels never overlap.
  const groupW = Math.max(56, variants.length * barW + gap);
  const panelW = FEATURE_SETS.length * groupW;
  const width = Math.max(560, left + 2 * panelW + panelGap + 20);
  const height = top + plotH + 90 + 18 * variants.length;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="18" font-size="14">PublicTest accuracy by features (budget in report.md)</text>`,
  ];
  [5, 7].forEach((classes, p) => {
    const x0 = left + p * (panelW + panelGap);
    parts.push(`<text x="${x0}" y="${top - 6}" font-weight="bold">${classes} expressions</text>`);
    for (let t = 0; t <= 100; t += 20) {
      const y = top + plotH - (t / 100) * plotH;
      parts.push(`<line x1="${x0}" x2="${x0 + panelW}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
      if (p === 0) parts.push(`<text x="${x0 - 6}" y="${y + 4}" text-anchor="end">${t}%</text>`);
    }
    FEATURE_SETS.forEach((set, g) => {
      const gx = x0 + g * groupW;
      variants.forEach((v, k) => {
        const r = find(results, v.key, set.id, classes);
        if (!r) return;
        const h = r.accuracy * plotH;
        parts.push(
          `<rect x="${gx + k * barW}" y="${top + plotH - h}" width="${
            barW - 2
          }" height="${h}" fill="${COLORS[v.key]}"><title>${
            escapeXml(`${v.title}, ${set.title}: ${(r.accuracy * 100).toFixed(1)}%`)
          }</title></rect>`,
        );
      });
      parts.push(
        `<text x="${gx + (groupW - gap) / 2}" y="${
          top + plotH + 14
        }" text-anchor="middle">${set.id}</text>`,
      );
    });
  });
  variants.forEach((v, k) => {
    const y = top + plotH + 40 + 18 * k;
    parts.push(`<rect x="${left}" y="${y - 10}" width="12" height="12" fill="${COLORS[v.key]}"/>`);
    parts.push(`<text x="${left + 18}" y="${y}">${escapeXml(v.title)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
