/**
 * The text `deno task compare` prints for a {@link PairedComparison}, and the JSON it writes.
 *
 * @module
 */
import type { PairedComparison } from "../stats/paired.ts";

/** What was compared, for the heading. */
export interface ComparisonHeading {
  /** Model A (folder or predictions file). */
  a: string;
  /** Model B. */
  b: string;
  /** Where the items came from, e.g. `PublicTest (tta none)` or a photo set. */
  on: string;
  /** Class names by index. */
  classNames: string[];
  /** Caveats (a model trained on the images, ...). */
  notes?: string[];
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const pts = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)}`;

/** The p-value as people read it: 4 significant digits, or `< 1e-6`. */
export function formatP(p: number): string {
  return p < 1e-6 ? "< 1e-6" : p.toPrecision(4);
}

/** The comparison as aligned text. */
export function formatComparison(r: PairedComparison, h: ComparisonHeading): string {
  const { lower, upper, level, resamples, seed } = r.interval;
  const { b, c, p } = r.mcnemar;
  const verdict = p < 0.05
    ? `significant at p < 0.05: ${r.difference > 0 ? "B" : "A"} is more accurate`
    : "not significant at p < 0.05: no evidence that either model is more accurate";
  const width = Math.max(8, ...h.classNames.map((n) => n.length));
  const lines = [
    `A ${h.a}`,
    `B ${h.b}`,
    `on ${h.on}: ${r.count} items`,
    ...(h.notes ?? []).map((n) => `note: ${n}`),
    "",
    `accuracy  A ${pct(r.accuracyA)}  B ${pct(r.accuracyB)}  B - A ${pts(r.difference)} pt`,
    `${(level * 100).toFixed(0)}% CI of B - A: [${pts(lower)}, ${pts(upper)}] pt ` +
    `(paired bootstrap, ${resamples} resamples, seed ${seed})`,
    `McNemar exact: ${b} items only A gets right, ${c} only B; two-sided p = ${formatP(p)}`,
    verdict,
    "",
    `${"class".padEnd(width)}  support  recall A  recall B   B - A`,
  ];
  for (const k of r.perClass) {
    lines.push(
      `${(h.classNames[k.class] ?? String(k.class)).padEnd(width)}  ${
        String(k.support).padStart(7)
      }  ${pct(k.recallA).padStart(8)}  ${pct(k.recallB).padStart(8)}  ${pts(k.delta).padStart(6)}`,
    );
  }
  return lines.join("\n");
}

/** The comparison as one JSON object (per-class rows named), for scripts and the README. */
export function comparisonJson(r: PairedComparison, h: ComparisonHeading): unknown {
  return {
    a: h.a,
    b: h.b,
    on: h.on,
    notes: h.notes ?? [],
    ...r,
    perClass: r.perClass.map((k) => ({ label: h.classNames[k.class] ?? String(k.class), ...k })),
  };
}
